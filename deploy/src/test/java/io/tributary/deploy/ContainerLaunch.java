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
import java.util.Optional;

/**
 * What a Deployment starts its service with, followed the way the pod would: the {@code --config} argument leads
 * through the container's volume mount to a ConfigMap and one of its keys; the environment holds the literal values
 * and, for each variable taken from a Secret, {@link #dummySecret a recognisable dummy}; a variable naming a file in a
 * mounted Secret (a {@code *_FILE} variable) names a temporary file holding the dummy instead.
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
        return new ContainerLaunch(deploymentName, container, key, text, environment(pod, container, where));
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

    /** The Secret (name, key) each environment variable comes from, as a value or as a file of a mounted Secret. */
    Map<String, SecretKeySelector> secretVariables(PodSpec pod) {
        Map<String, SecretKeySelector> secrets = new LinkedHashMap<>();
        for (EnvVar variable : envOf(container)) {
            if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                secrets.put(variable.getName(), variable.getValueFrom().getSecretKeyRef());
            } else if (variable.getValueFrom() == null) {
                secretFile(pod, container, variable.getValue()).ifPresent(secret -> secrets.put(variable.getName(),
                        secret));
            }
        }
        return secrets;
    }

    /** The Secret and key whose mounted file {@code path} is, if it lies in a Secret volume of the container. */
    private static Optional<SecretKeySelector> secretFile(PodSpec pod, Container container, String path) {
        if (path == null || !path.startsWith("/")) {
            return Optional.empty();
        }
        for (VolumeMount mount : container.getVolumeMounts()) {
            Path file = Path.of(path);
            if (file.getParent() != null && file.getParent().equals(Path.of(mount.getMountPath()))) {
                Optional<Volume> volume = pod.getVolumes().stream()
                        .filter(candidate -> candidate.getName().equals(mount.getName())).findFirst();
                if (volume.isPresent() && volume.get().getSecret() != null) {
                    return Optional.of(new SecretKeySelector(file.getFileName().toString(),
                            volume.get().getSecret().getSecretName(), volume.get().getSecret().getOptional()));
                }
            }
        }
        return Optional.empty();
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

    private static Map<String, String> environment(PodSpec pod, Container container, String where) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvVar variable : envOf(container)) {
            Optional<SecretKeySelector> mounted = variable.getValueFrom() == null
                    ? secretFile(pod, container, variable.getValue()) : Optional.empty();
            if (mounted.isPresent()) {
                environment.put(variable.getName(), dummySecretFile(mounted.get()).toString());
            } else if (variable.getValueFrom() == null) {
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

    /** A temporary file holding {@link #dummySecret} for {@code secret}, as the mounted Secret's file would. */
    private static Path dummySecretFile(SecretKeySelector secret) {
        try {
            Path file = Files.createTempFile("tributary-secret-", "");
            file.toFile().deleteOnExit();
            return Files.writeString(file, dummySecret(secret.getName(), secret.getKey()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a dummy secret file", e);
        }
    }

    private static List<EnvVar> envOf(Container container) {
        return container.getEnv() == null ? List.of() : container.getEnv();
    }
}
