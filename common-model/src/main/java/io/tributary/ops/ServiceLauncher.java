package io.tributary.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.config.CommandLine;
import io.tributary.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How both services run as a process: parse {@code --config}, load and validate the settings (a mistake exits with
 * status 2 and a message naming the key), serve {@code /metrics} and {@code /health}, start the service (a setup
 * failure exits with status 1), stop it gracefully on SIGTERM, and exit with status 1 if it failed while running.
 */
public final class ServiceLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);

    /** What a service offers the launcher. */
    public interface Service extends AutoCloseable {

        /** Prepares and starts working in the background; throws with what to fix when it cannot. */
        void start() throws Exception;

        /** The readiness probe. */
        boolean isReady();

        /**
         * Whether this instance does the work now ({@code /health/active}): the same as {@link #isReady()} unless
         * the service has standbys, which are ready but not active.
         */
        default boolean isActive() {
            return isReady();
        }

        /** Blocks until the service stopped, by {@link #close()} or by failing. */
        void awaitTermination() throws InterruptedException;

        /** Why the service stopped, if it failed. */
        Optional<Throwable> failure();

        /** Stops gracefully. */
        @Override
        void close() throws InterruptedException;
    }

    private ServiceLauncher() {
    }

    /**
     * @param name     the service's name, in logs and metrics
     * @param load     reads the settings from the --config file (or null) and the environment
     * @param httpPort the operations port from the settings
     * @param create   builds the service from its settings and metrics registry
     */
    public static <S> void run(String name, String[] args, Function<Path, S> load, ToIntFunction<S> httpPort,
                               BiFunction<S, MeterRegistry, Service> create) throws InterruptedException {
        S settings;
        try {
            settings = load.apply(CommandLine.parse(args).configFile());
        } catch (InvalidConfigException e) {
            System.err.println(name + ": configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry metrics = ServiceMetrics.newRegistry(name);
        Service service = create.apply(settings, metrics);
        try (OperationsHttpServer http = OperationsHttpServer.start(httpPort.applyAsInt(settings), metrics,
                service::isReady, service::isActive)) {
            LOG.info("{}: operations endpoint on port {}: /metrics /health/live /health/ready /health/active", name,
                    http.port());
            try {
                service.start();
            } catch (InvalidConfigException e) {
                // A setting that contradicts what the service found at startup (e.g. the search engine).
                System.err.println(name + ": configuration error: " + e.getMessage());
                System.exit(2);
                return;
            } catch (Exception e) {
                LOG.error("{} cannot start: {}", name, e.getMessage(), e);
                System.exit(1);
                return;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("{}: shutting down gracefully", name);
                try {
                    service.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shutdown"));
            service.awaitTermination();
        }
        if (service.failure().isPresent()) {
            System.exit(1);
        }
    }
}
