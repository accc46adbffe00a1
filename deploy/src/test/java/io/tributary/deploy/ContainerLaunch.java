package io.tributary.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tributary.config.CommandLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Deployment starts its service with, followed the way the pod would: the {@code --config} argument leads
 * through the container's volume mount to a ConfigMap and one of its keys; the environment holds the literal values
 * and, for each variable taken from a Secret, {@link #dummySecret a recognisable dummy}.
 *
 * @param configFileName the file name the service is given (a key of the ConfigMap)
 * @param configText     the HOCON text of that key
 * @param environment    the container's environment as the service would see it
 */
record ContainerLaunch(String deployment, Container container, String configFileName, String configText,
                       Map<String, String> environment) {

    static ContainerLaunch of(Site site, String deploymentName) {
        Deployment deployment = site.deployment(deploymentName);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        String where = "deploy/k8s/" + site.name() + " Deployment " + deploymentName;
        if (pod.getContainers().size() != 1) {
            throw new AssertionError(where + ": expected one container, found " + pod.getContainers().size());
        }
        Container container = pod.getContainers().get(0);
        Path configFile = CommandLine.parse(container.getArgs().toArray(String[]::new)).configFile();
        if (configFile == null) {
            throw new AssertionError(where + ": the container's args give no --config file: " + container.getArgs());
        }
        String configMapName = mountedConfigMap(pod, container, configFile.getParent(), where);
        String key = configFile.getFileName().toString();
        String text = site.configMap(configMapName).getData().get(key);
        if (text == null) {
            throw new AssertionError(where + ": --config " + configFile + " names key " + key + " of ConfigMap "
                    + configMapName + ", which it does not have");
        }
        return new ContainerLaunch(deploymentName, container, key, text, environment(container, where));
    }

    /** The value the test gives the variable that Secret {@code secret}'s {@code key} provides. */
    static String dummySecret(String secret, String key) {
        return "dummy-" + secret + "-" + key;
    }

    /** Writes the config file into {@code directory} under the name the service is given; returns its path. */
    Path writeConfig(Path directory) {
        Path file = directory.resolve(configFileName);
        try {
            return Files.writeString(file, configText);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The Secret (name, key) each environment variable comes from. */
    Map<String, SecretKeySelector> secretVariables() {
        Map<String, SecretKeySelector> secrets = new LinkedHashMap<>();
        for (EnvVar variable : envOf(container)) {
            if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                secrets.put(variable.getName(), variable.getValueFrom().getSecretKeyRef());
            }
        }
        return secrets;
    }

    private static String mountedConfigMap(PodSpec pod, Container container, Path directory, String where) {
        VolumeMount mount = container.getVolumeMounts().stream()
                .filter(candidate -> Path.of(candidate.getMountPath()).equals(directory)).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": nothing is mounted at " + directory
                        + ", the --config file's directory"));
        Volume volume = pod.getVolumes().stream().filter(candidate -> candidate.getName().equals(mount.getName()))
                .findFirst().orElseThrow(() -> new AssertionError(where + ": no volume " + mount.getName()));
        if (volume.getConfigMap() == null) {
            throw new AssertionError(where + ": volume " + volume.getName() + " at " + directory
                    + " is not a ConfigMap");
        }
        return volume.getConfigMap().getName();
    }

    private static Map<String, String> environment(Container container, String where) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvVar variable : envOf(container)) {
            if (variable.getValueFrom() == null) {
                environment.put(variable.getName(), variable.getValue() == null ? "" : variable.getValue());
            } else if (variable.getValueFrom().getSecretKeyRef() != null) {
                SecretKeySelector secret = variable.getValueFrom().getSecretKeyRef();
                environment.put(variable.getName(), dummySecret(secret.getName(), secret.getKey()));
            } else {
                throw new AssertionError(where + ": env " + variable.getName()
                        + " comes from neither a value nor a Secret; teach ContainerLaunch about it");
            }
        }
        return environment;
    }

    private static List<EnvVar> envOf(Container container) {
        return container.getEnv() == null ? List.of() : container.getEnv();
    }
}
