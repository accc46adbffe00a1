package io.tributary.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/**
 * Command line for the quickstart: {@code java -jar local-stack.jar [--only postgres,kafka,elasticsearch]
 * [--postgres-major 12..18] [--env-file PATH]}. Starts the chosen services (all by default, concurrently; PostgreSQL
 * of the given major, {@link PostgresMajor#DEFAULT} by default), prints one line per service, writes their
 * addresses to the env file if asked, prints {@value #READY} and runs until SIGINT/SIGTERM, when the
 * {@link LocalStack} shutdown hook stops everything. Exits 2 on a bad command line, 1 when a service fails to
 * start. Used from the main thread only.
 */
public final class LocalStackMain {

    static final String READY = "local stack ready";

    /** A service the command line can start. */
    enum Service {
        POSTGRES, KAFKA, ELASTICSEARCH;

        static Service parse(String text) {
            for (Service service : values()) {
                if (service.name().equalsIgnoreCase(text.trim())) {
                    return service;
                }
            }
            throw new IllegalArgumentException(
                    "unknown service '" + text + "' (expected postgres, kafka or elasticsearch)");
        }
    }

    /**
     * Parsed command line.
     *
     * @param services the services to start
     * @param postgresMajor the major of PostgreSQL, if it is started
     * @param envFile where to write KEY=value lines, if anywhere
     */
    record Options(Set<Service> services, PostgresMajor postgresMajor, Optional<Path> envFile) {

        static Options parse(String... args) {
            Set<Service> services = EnumSet.allOf(Service.class);
            PostgresMajor postgresMajor = PostgresMajor.DEFAULT;
            Optional<Path> envFile = Optional.empty();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--only" -> {
                        services = EnumSet.noneOf(Service.class);
                        for (String name : value(args, ++i, "--only").split(",")) {
                            services.add(Service.parse(name));
                        }
                    }
                    case "--postgres-major" -> postgresMajor = postgresMajor(value(args, ++i, "--postgres-major"));
                    case "--env-file" -> envFile = Optional.of(Path.of(value(args, ++i, "--env-file")));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            return new Options(services, postgresMajor, envFile);
        }

        private static PostgresMajor postgresMajor(String text) {
            try {
                return PostgresMajor.of(Integer.parseInt(text.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--postgres-major needs a major version number like "
                        + PostgresMajor.DEFAULT.number() + ", not '" + text + "'", e);
            }
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
    }

    private LocalStackMain() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(
                    "usage: java -jar local-stack.jar [--only postgres,kafka,elasticsearch]"
                            + " [--postgres-major " + PostgresMajor.supported().replace(", ", "|") + "]"
                            + " [--env-file PATH]");
            System.exit(2);
            return;
        }
        Map<String, String> environment;
        try {
            environment = start(options.services(), options.postgresMajor(), System.out);
            if (options.envFile().isPresent()) {
                writeEnvFile(options.envFile().get(), environment);
            }
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            System.err.println("local stack failed to start: " + cause.getMessage());
            System.exit(1); // the shutdown hook stops what did start
            return;
        }
        System.out.println(READY);
        try {
            new CountDownLatch(1).await(); // until SIGINT/SIGTERM runs the shutdown hook
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts {@code services} concurrently, prints one line each and returns the env-file entries. */
    static Map<String, String> start(Set<Service> services, PostgresMajor postgresMajor, PrintStream out) {
        List<CompletableFuture<Map<String, String>>> starts = new ArrayList<>();
        for (Service service : services) {
            starts.add(CompletableFuture.supplyAsync(() -> startOne(service, postgresMajor, out)));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        starts.forEach(start -> environment.putAll(start.join()));
        return environment;
    }

    private static Map<String, String> startOne(Service service, PostgresMajor postgresMajor, PrintStream out) {
        Map<String, String> environment = new LinkedHashMap<>();
        switch (service) {
            case POSTGRES -> {
                RunningPostgres postgres = LocalStack.postgres(postgresMajor);
                out.printf("postgres %-5d %s:%d user=%s  log: %s%n", postgres.majorVersion(), postgres.host(),
                        postgres.port(), postgres.user(), postgres.logFile());
                environment.put("POSTGRES_HOST", postgres.host());
                environment.put("POSTGRES_PORT", Integer.toString(postgres.port()));
                environment.put("POSTGRES_USER", postgres.user());
                environment.put("POSTGRES_PASSWORD", postgres.password());
            }
            case KAFKA -> {
                RunningKafka kafka = LocalStack.kafka();
                out.printf("kafka          %s  log: %s%n", kafka.bootstrapServers(), kafka.logFile());
                environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            }
            case ELASTICSEARCH -> {
                RunningElasticsearch elasticsearch = LocalStack.elasticsearch();
                out.printf("elasticsearch  %s  log: %s%n", elasticsearch.url(), elasticsearch.logFile());
                environment.put("ELASTICSEARCH_URL", elasticsearch.url());
            }
        }
        return environment;
    }

    /** Writes KEY=value lines to {@code file}, replacing it atomically. */
    static void writeEnvFile(Path file, Map<String, String> environment) {
        StringBuilder text = new StringBuilder();
        environment.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            Path temporary = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LocalStackException("could not write the env file " + absolute + ": " + e, e);
        }
    }
}
