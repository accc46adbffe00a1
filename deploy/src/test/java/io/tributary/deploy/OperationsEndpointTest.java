package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.tributary.ops.OperationsHttpServer;
import io.tributary.ops.ServiceMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Probes, the Service, the scrape annotations and the ServiceMonitor all point at {@code tributary.http.port} as the
 * ConfigMap sets it, and at paths the {@link OperationsHttpServer} serves.
 */
class OperationsEndpointTest {

    @TempDir
    Path directory;

    static Stream<Arguments> sitesAndServices() {
        return Site.NAMES.stream().flatMap(name -> Stream.of(TributaryService.values())
                .map(service -> Arguments.of(name, service)));
    }

    @ParameterizedTest
    @MethodSource("sitesAndServices")
    void containerServiceProbesAndAnnotationsUseTheConfiguredHttpPort(String name, TributaryService service) {
        Site site = Site.render(name);
        ContainerLaunch launch = ContainerLaunch.of(site, service.moduleName);
        int httpPort = service.httpPort(launch.writeConfig(directory), launch.environment());
        Container container = launch.container();

        assertEquals(List.of(httpPort), container.getPorts().stream().map(ContainerPort::getContainerPort).toList(),
                service + ": container ports");
        assertEquals(httpPort, portOf(container, container.getLivenessProbe().getHttpGet().getPort()), "liveness");
        assertEquals(httpPort, portOf(container, container.getReadinessProbe().getHttpGet().getPort()), "readiness");
        assertEquals("/health/live", container.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/health/ready", container.getReadinessProbe().getHttpGet().getPath());

        Service kubernetesService = site.service(service.moduleName);
        assertEquals(site.deployment(service.moduleName).getSpec().getSelector().getMatchLabels(),
                kubernetesService.getSpec().getSelector(), service + ": the Service selects the Deployment's pods");
        for (ServicePort port : kubernetesService.getSpec().getPorts()) {
            assertEquals(httpPort, portOf(container, port.getTargetPort()), "Service port " + port.getName());
        }

        Map<String, String> annotations = site.deployment(service.moduleName).getSpec().getTemplate().getMetadata()
                .getAnnotations();
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals(String.valueOf(httpPort), annotations.get("prometheus.io/port"));
        assertEquals("/metrics", annotations.get("prometheus.io/path"));
    }

    @Test
    void serviceMonitorScrapesANamedPortOfBothServices() {
        Site site = Site.render("overlays/example");
        ServiceMonitor monitor = site.all(ServiceMonitor.class).get(0);
        Map<String, String> selector = monitor.getSpec().getSelector().getMatchLabels();
        for (TributaryService service : TributaryService.values()) {
            Service kubernetesService = site.service(service.moduleName);
            assertTrue(kubernetesService.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()),
                    "the ServiceMonitor's selector " + selector + " misses Service " + service);
            List<String> portNames = kubernetesService.getSpec().getPorts().stream().map(ServicePort::getName).toList();
            for (Endpoint endpoint : monitor.getSpec().getEndpoints()) {
                assertTrue(portNames.contains(endpoint.getPort()), "Service " + service + " has no port named "
                        + endpoint.getPort() + " (it has " + portNames + ")");
                assertEquals("/metrics", endpoint.getPath());
            }
        }
    }

    @Test
    void everyPathTheManifestsProbeOrScrapeIsServed() throws IOException, InterruptedException {
        Site site = Site.render("base");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (OperationsHttpServer server = OperationsHttpServer.start(0, ServiceMetrics.newRegistry("deploy-test"),
                () -> true)) {
            for (TributaryService service : TributaryService.values()) {
                Container container = ContainerLaunch.of(site, service.moduleName).container();
                String scraped = site.deployment(service.moduleName).getSpec().getTemplate().getMetadata()
                        .getAnnotations().get("prometheus.io/path");
                for (String path : List.of(container.getLivenessProbe().getHttpGet().getPath(),
                        container.getReadinessProbe().getHttpGet().getPath(), scraped)) {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + server.port() + path)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, response.statusCode(), service + ": GET " + path + " " + response.body());
                }
            }
        }
    }

    /** A port given by number or by the name of one of the container's ports. */
    private static int portOf(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(candidate -> port.getStrVal().equals(candidate.getName()))
                .map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError("container " + container.getName() + " has no port named "
                        + port.getStrVal()));
    }
}
