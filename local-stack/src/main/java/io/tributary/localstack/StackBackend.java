package io.tributary.localstack;

import java.lang.reflect.InvocationTargetException;

/**
 * Where {@link LocalStack} runs PostgreSQL, Kafka and Elasticsearch: as local processes ({@link #PROCESSES}, the
 * default) or in containers through Testcontainers ({@code containers}, which {@code mvn -Pcontainers} selects for
 * every test JVM). Chosen once per JVM by the system property {@value #PROPERTY}.
 *
 * <p>The containers backend, {@value #CONTAINERS_CLASS}, is compiled only in the containers profile
 * (local-stack/src/containers/java), so the default build has Testcontainers on no class path; it is found by name.
 * Its constructor fails at once, with {@link #noDockerEngine}'s message, where there is no Docker engine.
 */
interface StackBackend {

    String PROPERTY = "tributary.local-stack.backend";
    String CONTAINERS_CLASS = "io.tributary.localstack.ContainerBackend";

    /** Local processes from Maven Central artifacts (see {@link LocalStack}). */
    StackBackend PROCESSES = new StackBackend() {
        @Override
        public RunningPostgres postgres(StackSettings settings, PostgresMajor major) {
            return RunningPostgres.launch(settings, major);
        }

        @Override
        public RunningKafka kafka(StackSettings settings) {
            return RunningKafka.launch(settings);
        }

        @Override
        public RunningElasticsearch elasticsearch(StackSettings settings) {
            return RunningElasticsearch.launch(settings);
        }
    };

    RunningPostgres postgres(StackSettings settings, PostgresMajor major);

    RunningKafka kafka(StackSettings settings);

    RunningElasticsearch elasticsearch(StackSettings settings);

    /**
     * The backend {@code value} of {@value #PROPERTY} names: {@code processes} (also when null or blank) or
     * {@code containers}. Throws {@link LocalStackException} naming the property for anything else, when the
     * containers backend was not compiled in, or when it finds no Docker engine.
     */
    static StackBackend named(String value) {
        String name = value == null || value.isBlank() ? "processes" : value.strip();
        switch (name) {
            case "processes":
                return PROCESSES;
            case "containers":
                return containers();
            default:
                throw new LocalStackException(PROPERTY + " = '" + value + "' names no backend of the local stack:"
                        + " use processes (the default: local processes) or containers (Testcontainers, set by"
                        + " mvn -Pcontainers)");
        }
    }

    private static StackBackend containers() {
        Class<?> type;
        try {
            type = Class.forName(CONTAINERS_CLASS);
        } catch (ClassNotFoundException | LinkageError e) {
            throw builtWithoutContainers(e);
        }
        try {
            return (StackBackend) type.getDeclaredConstructor().newInstance();
        } catch (LinkageError e) {
            throw builtWithoutContainers(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new LocalStackException("could not create " + CONTAINERS_CLASS + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new LocalStackException("could not create " + CONTAINERS_CLASS + ": " + e, e);
        }
    }

    private static LocalStackException builtWithoutContainers(Throwable cause) {
        return new LocalStackException(PROPERTY + " = containers, but local-stack was built without the containers"
                + " profile (no " + CONTAINERS_CLASS + " or no Testcontainers on the class path: " + cause + "): run"
                + " mvn -Pcontainers verify, or leave " + PROPERTY + " unset to use local processes", cause);
    }

    /**
     * What the containers backend says where Testcontainers finds no Docker engine: what it looked at
     * ({@code DOCKER_HOST}, the default socket), that the profile needs one, and the build that needs none.
     *
     * @param dockerHost       the {@code DOCKER_HOST} environment variable, null when unset
     * @param defaultSocket    whether {@code /var/run/docker.sock} exists
     * @param testcontainers   Testcontainers' own verdict, e.g. "Could not find a valid Docker environment"
     */
    static String noDockerEngine(String dockerHost, boolean defaultSocket, String testcontainers) {
        return "no Docker engine found: Testcontainers could not reach one (" + testcontainers + "; DOCKER_HOST "
                + (dockerHost == null ? "is unset" : "= " + dockerHost) + ", /var/run/docker.sock "
                + (defaultSocket ? "exists but does not answer" : "does not exist") + "). mvn -Pcontainers runs the"
                + " integration tests in containers and needs a running Docker (or Podman) engine; without one, use the"
                + " default build (local processes): mvn -B verify";
    }
}
