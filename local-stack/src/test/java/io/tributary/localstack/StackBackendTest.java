package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class StackBackendTest {

    @Test
    void localProcessesAreTheDefault() {
        assertSame(StackBackend.PROCESSES, StackBackend.named(null));
        assertSame(StackBackend.PROCESSES, StackBackend.named(" "));
        assertSame(StackBackend.PROCESSES, StackBackend.named("processes"));
    }

    @Test
    void anUnknownBackendIsRefusedNamingThePropertyAndTheChoices() {
        LocalStackException e = assertThrows(LocalStackException.class, () -> StackBackend.named("docker"));
        assertTrue(e.getMessage().startsWith("tributary.local-stack.backend = 'docker' names no backend"),
                e.getMessage());
        assertTrue(e.getMessage().contains("processes") && e.getMessage().contains("containers"), e.getMessage());
    }

    /** The default build: no containers backend compiled, no Testcontainers on the class path. */
    @Test
    void containersWithoutTheProfileSayWhichBuildHasThem() {
        Assumptions.assumeFalse(containersBackendCompiled(), "built with -Pcontainers");
        LocalStackException e = assertThrows(LocalStackException.class, () -> StackBackend.named("containers"));
        assertTrue(e.getMessage().contains("built without the containers profile"), e.getMessage());
        assertTrue(e.getMessage().contains("mvn -Pcontainers verify"), e.getMessage());
    }

    /**
     * mvn -Pcontainers where there is no Docker engine (this machine, CI): asking for the backend fails at once with
     * the message every integration test then reports. Skipped in the default build and where Docker runs.
     */
    @Test
    void containersWithoutADockerEngineFailAtOnceSayingUseTheDefaultBuild() {
        Assumptions.assumeTrue(containersBackendCompiled(), "built without -Pcontainers");
        Assumptions.assumeTrue(System.getenv("DOCKER_HOST") == null
                && !Files.exists(Path.of("/var/run/docker.sock")), "a Docker engine may be running here");
        long started = System.nanoTime();
        LocalStackException e = assertThrows(LocalStackException.class, () -> StackBackend.named("containers"));
        assertTrue(e.getMessage().startsWith("no Docker engine found: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("use the default build (local processes): mvn -B verify"), e.getMessage());
        assertTrue(System.nanoTime() - started < 30_000_000_000L, "took more than 30 s to find no Docker engine");
    }

    @Test
    void theNoDockerMessageSaysWhereItLookedAndWhatToDoInstead() {
        String message = StackBackend.noDockerEngine(null, false, "Could not find a valid Docker environment");
        assertTrue(message.startsWith("no Docker engine found: "), message);
        assertTrue(message.contains("DOCKER_HOST is unset, /var/run/docker.sock does not exist"), message);
        assertTrue(message.contains("use the default build (local processes)"), message);
        assertTrue(StackBackend.noDockerEngine("tcp://build:2375", true, "x")
                .contains("DOCKER_HOST = tcp://build:2375, /var/run/docker.sock exists but does not answer"));
    }

    private static boolean containersBackendCompiled() {
        try {
            Class.forName(StackBackend.CONTAINERS_CLASS);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
