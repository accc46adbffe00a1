package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pod runs locked down (restricted Pod Security Standard) and with bounded resources. */
class PodHardeningTest {

    static Stream<Arguments> sitesAndServices() {
        return Site.NAMES.stream().flatMap(name -> Stream.of(TributaryService.values())
                .map(service -> Arguments.of(name, service)));
    }

    @ParameterizedTest
    @MethodSource("sitesAndServices")
    void runsAsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities(String name, TributaryService service) {
        PodSpec pod = Site.render(name).deployment(service.moduleName).getSpec().getTemplate().getSpec();
        PodSecurityContext podSecurity = pod.getSecurityContext();
        assertEquals(Boolean.TRUE, podSecurity.getRunAsNonRoot());
        assertTrue(podSecurity.getRunAsUser() > 0, "runAsUser must not be root");
        assertEquals("RuntimeDefault", podSecurity.getSeccompProfile().getType());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), "the services never call the API");
        for (Container container : pod.getContainers()) {
            SecurityContext security = container.getSecurityContext();
            assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation(), container.getName());
            assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem(), container.getName());
            assertEquals(List.of("ALL"), security.getCapabilities().getDrop(), container.getName());
        }
    }

    @ParameterizedTest
    @MethodSource("sitesAndServices")
    void tmpIsAWritableEmptyDirBecauseTheRootFilesystemIsReadOnly(String name, TributaryService service) {
        PodSpec pod = Site.render(name).deployment(service.moduleName).getSpec().getTemplate().getSpec();
        for (Container container : pod.getContainers()) {
            VolumeMount tmp = container.getVolumeMounts().stream()
                    .filter(mount -> mount.getMountPath().equals("/tmp")).findFirst()
                    .orElseThrow(() -> new AssertionError(container.getName() + " has nothing mounted at /tmp"));
            assertFalse(Boolean.TRUE.equals(tmp.getReadOnly()));
            Volume volume = pod.getVolumes().stream().filter(candidate -> candidate.getName().equals(tmp.getName()))
                    .findFirst().orElseThrow();
            assertNotNull(volume.getEmptyDir(), "/tmp must be an emptyDir");
        }
    }

    @ParameterizedTest
    @MethodSource("sitesAndServices")
    void memoryRequestEqualsItsLimitAndCpuIsBounded(String name, TributaryService service) {
        Container container = ContainerLaunch.of(Site.render(name), service.moduleName).container();
        Quantity requested = container.getResources().getRequests().get("memory");
        Quantity limit = container.getResources().getLimits().get("memory");
        assertNotNull(limit, container.getName() + ": no memory limit");
        assertEquals(Quantity.getAmountInBytes(limit), Quantity.getAmountInBytes(requested),
                container.getName() + ": memory request and limit differ");
        assertTrue(Quantity.getAmountInBytes(limit).longValue() >= 512L << 20, container.getName()
                + ": below 512Mi the JVM's heap (half the limit) is under the benchmarked 256 MiB");
        assertNotNull(container.getResources().getRequests().get("cpu"), container.getName() + ": no cpu request");
        assertNotNull(container.getResources().getLimits().get("cpu"), container.getName() + ": no cpu limit");
    }
}
