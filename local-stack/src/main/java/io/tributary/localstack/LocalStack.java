package io.tributary.localstack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local PostgreSQL, Kafka and Elasticsearch of this JVM. Each is started on the first call of its method (on
 * new free loopback ports, in a new directory under {@code target/local-stack}) and the same instance is returned
 * afterwards. One JVM shutdown hook stops everything that was started, in reverse order, also when tests fail.
 * A service that failed to start is not tried again in the same JVM: later calls fail at once with the first error.
 *
 * <p>Each {@link PostgresMajor} is a service of its own: {@link #postgres(PostgresMajor)} starts that major's server
 * (run directory {@code postgres<major>-<port>}) independently of the others, so a test can use PostgreSQL 14 and 17
 * side by side; {@link #postgres()} is the {@linkplain PostgresMajor#DEFAULT default} major's.
 *
 * <p>The services run as local processes, or in containers where the system property
 * {@value StackBackend#PROPERTY} is {@code containers} ({@code mvn -Pcontainers}; see {@link StackBackend}).
 *
 * <p>Thread-safe: concurrent first calls start a service once; different services may start concurrently.
 */
public final class LocalStack {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private static final Map<PostgresMajor, StartOnce<RunningPostgres>> POSTGRES = postgresPerMajor();
    private static final StartOnce<RunningPostgres> POSTGRES_WITH_TLS = new StartOnce<>(
            PostgresMajor.DEFAULT + " with TLS", settings -> RunningPostgres.launchWithTls(settings,
                    PostgresMajor.DEFAULT), RunningPostgres::stop);
    private static final StartOnce<RunningKafka> KAFKA =
            new StartOnce<>("Kafka", settings -> backend().kafka(settings), RunningKafka::stop);
    private static final StartOnce<RunningElasticsearch> ELASTICSEARCH =
            new StartOnce<>("Elasticsearch", settings -> backend().elasticsearch(settings),
                    RunningElasticsearch::stop);
    private static final StartOnce<SecuredElasticsearch> SECURED_ELASTICSEARCH =
            new StartOnce<>("secured Elasticsearch", SecuredElasticsearch::launch, SecuredElasticsearch::stop);

    /** Stop actions of the started services, in start order; guarded by the class lock. */
    private static final List<StartOnce<?>> STARTED = new ArrayList<>();
    private static StackSettings settings;
    private static StackBackend backend;
    private static boolean shutdownHookRegistered;

    private LocalStack() {
    }

    /**
     * The server of the {@linkplain PostgresMajor#configuredDefault() default major}: PostgreSQL 17, or the major the
     * system property {@value PostgresMajor#DEFAULT_PROPERTY} names.
     */
    public static RunningPostgres postgres() {
        return postgres(PostgresMajor.configuredDefault());
    }

    /** The server of {@code major}, e.g. {@code LocalStack.postgres(PostgresMajor.V14)}. */
    public static RunningPostgres postgres(PostgresMajor major) {
        return POSTGRES.get(major).get();
    }

    /**
     * The server of major version {@code major}, e.g. {@code LocalStack.postgres(14)}; throws
     * {@link IllegalArgumentException} naming the supported majors if {@link PostgresMajor} does not list it.
     */
    public static RunningPostgres postgres(int major) {
        return postgres(PostgresMajor.of(major));
    }

    /**
     * A server of the default major of its own with {@code ssl = on}, its certificate signed by a CA made when it
     * started ({@link RunningPostgres#certificates()}); the other servers run without TLS.
     */
    public static RunningPostgres postgresWithTls() {
        return POSTGRES_WITH_TLS.get();
    }

    public static RunningKafka kafka() {
        return KAFKA.get();
    }

    public static RunningElasticsearch elasticsearch() {
        return ELASTICSEARCH.get();
    }

    /** A second node, with security on (HTTPS, a file-realm user): for the tests of authentication and TLS. */
    public static SecuredElasticsearch securedElasticsearch() {
        return SECURED_ELASTICSEARCH.get();
    }

    private static Map<PostgresMajor, StartOnce<RunningPostgres>> postgresPerMajor() {
        Map<PostgresMajor, StartOnce<RunningPostgres>> services = new EnumMap<>(PostgresMajor.class);
        for (PostgresMajor major : PostgresMajor.values()) {
            services.put(major, new StartOnce<>(major.toString(),
                    settings -> backend().postgres(settings, major), RunningPostgres::stop));
        }
        return Collections.unmodifiableMap(services);
    }

    private static synchronized StackSettings settings() {
        if (settings == null) {
            settings = StackSettings.forThisJvm();
        }
        return settings;
    }

    /** The backend {@value StackBackend#PROPERTY} selects, created on first use; its failure fails the service. */
    private static synchronized StackBackend backend() {
        if (backend == null) {
            backend = StackBackend.named(System.getProperty(StackBackend.PROPERTY));
        }
        return backend;
    }

    private static synchronized void started(StartOnce<?> service) {
        STARTED.add(service);
        if (!shutdownHookRegistered) {
            Runtime.getRuntime().addShutdownHook(new Thread(LocalStack::stopAll, "local-stack-shutdown"));
            shutdownHookRegistered = true;
        }
    }

    private static void stopAll() {
        List<StartOnce<?>> services;
        synchronized (LocalStack.class) {
            services = new ArrayList<>(STARTED);
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).stopQuietly();
        }
    }

    /** One service: started at most once, its first failure remembered. */
    private static final class StartOnce<T> {

        private final String name;
        private final Function<StackSettings, T> launcher;
        private final Consumer<T> stopper;
        private T running;
        private RuntimeException failure;

        StartOnce(String name, Function<StackSettings, T> launcher, Consumer<T> stopper) {
            this.name = name;
            this.launcher = launcher;
            this.stopper = stopper;
        }

        synchronized T get() {
            if (running != null) {
                return running;
            }
            if (failure != null) {
                throw new LocalStackException(name + " failed to start earlier in this JVM; first failure: "
                        + failure.getMessage(), failure);
            }
            try {
                running = launcher.apply(settings());
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            started(this);
            return running;
        }

        void stopQuietly() {
            T service;
            synchronized (this) {
                service = running;
            }
            if (service == null) {
                return;
            }
            try {
                stopper.accept(service);
            } catch (RuntimeException e) {
                LOG.warn("Could not stop {} cleanly at JVM exit", name, e);
            }
        }
    }
}
