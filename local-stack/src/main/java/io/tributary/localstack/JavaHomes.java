package io.tributary.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JDK for a service that needs a newer Java than this JVM's (Elasticsearch 9 needs 21): this JVM's own when
 * it is new enough, else the one named by the system property {@value #PROPERTY} or the environment variable
 * {@value #ENVIRONMENT}, else the newest JDK under {@code /usr/lib/jvm} (Debian's and Temurin's place) that is.
 */
final class JavaHomes {

    static final String PROPERTY = "tributary.stack.java21-home";
    static final String ENVIRONMENT = "TRIBUTARY_STACK_JAVA21_HOME";
    private static final Path SYSTEM_JDKS = Path.of("/usr/lib/jvm");
    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private JavaHomes() {
    }

    /** A Java home of feature release {@code feature} or newer; throws saying how to provide one. */
    static Path atLeast(int feature, String forWhat) {
        Path own = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= feature) {
            return own;
        }
        Optional<String> named = Optional.ofNullable(System.getProperty(PROPERTY))
                .or(() -> Optional.ofNullable(System.getenv(ENVIRONMENT))).filter(text -> !text.isBlank());
        if (named.isPresent()) {
            Path home = Path.of(named.get().trim());
            if (featureOf(home).orElse(0) < feature) {
                throw new LocalStackException(forWhat + " needs Java " + feature + " or newer, but " + home
                        + " (named by " + PROPERTY + " / " + ENVIRONMENT + ") is not such a JDK");
            }
            return home;
        }
        try (Stream<Path> homes = Files.isDirectory(SYSTEM_JDKS) ? Files.list(SYSTEM_JDKS) : Stream.empty()) {
            return homes.filter(home -> featureOf(home).orElse(0) >= feature)
                    .max(Comparator.comparing(home -> featureOf(home).orElse(0)))
                    .orElseThrow(() -> new LocalStackException(forWhat + " needs Java " + feature + " or newer;"
                            + " this JVM is " + Runtime.version().feature() + " and " + SYSTEM_JDKS + " holds none:"
                            + " install one (apt-get install openjdk-" + feature + "-jdk-headless) or name its home"
                            + " with -D" + PROPERTY + " or " + ENVIRONMENT));
        } catch (IOException e) {
            throw new LocalStackException("could not list the JDKs in " + SYSTEM_JDKS, e);
        }
    }

    /** The feature release of the JDK at {@code home}, read from its {@code release} file. */
    static Optional<Integer> featureOf(Path home) {
        try {
            Matcher version = RELEASE_VERSION.matcher(Files.readString(home.resolve("release")));
            return version.find() ? Optional.of(Integer.parseInt(version.group(1))) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
