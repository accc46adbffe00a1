package io.tributary.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One rendered kustomization of deploy/k8s (the base, or an overlay) as typed Kubernetes objects.
 *
 * @param name    the kustomization's directory under deploy/k8s, for messages
 * @param objects what it renders to
 */
record Site(String name, List<HasMetadata> objects) {

    /** deploy/k8s, relative to the module (the tests' working directory). */
    static final Path K8S = Path.of("k8s");

    /** The kustomizations a user applies. */
    static final List<String> NAMES = List.of("base", "overlays/example");

    static Site render(String name) {
        List<ObjectNode> trees = Kustomize.render(K8S.resolve(name));
        return new Site(name, trees.stream()
                .map(tree -> KubernetesObjects.toObject(tree, "deploy/k8s/" + name + " rendered"))
                .toList());
    }

    Deployment deployment(String objectName) {
        return one(Deployment.class, objectName).orElseThrow(() -> missing("Deployment", objectName));
    }

    ConfigMap configMap(String objectName) {
        return one(ConfigMap.class, objectName).orElseThrow(() -> missing("ConfigMap", objectName));
    }

    Service service(String objectName) {
        return one(Service.class, objectName).orElseThrow(() -> missing("Service", objectName));
    }

    Optional<HorizontalPodAutoscaler> autoscaler(String objectName) {
        return one(HorizontalPodAutoscaler.class, objectName);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private <T extends HasMetadata> Optional<T> one(Class<T> type, String objectName) {
        return all(type).stream().filter(object -> object.getMetadata().getName().equals(objectName)).findFirst();
    }

    private AssertionError missing(String kind, String objectName) {
        return new AssertionError("deploy/k8s/" + name + " has no " + kind + " " + objectName);
    }

    @Override
    public String toString() {
        return name;
    }
}
