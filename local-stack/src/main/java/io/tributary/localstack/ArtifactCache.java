package io.tributary.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacked service distributions, shared by every JVM on the machine, under a root directory that any user can read
 * and traverse (an unprivileged service user runs the binaries).
 *
 * <p>Invariant: a directory {@code root/name} exists only complete. Each one is unpacked into a fresh hidden
 * directory beside it and then renamed into place atomically; a JVM that loses the race to another one deletes its
 * copy and uses the winner's. Thread-safe.
 */
final class ArtifactCache {

    /** Fills an empty directory. */
    @FunctionalInterface
    interface Installer {
        void installInto(Path emptyDirectory) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactCache.class);
    private static final Object LOCK = new Object();

    private final Path root;

    ArtifactCache(Path root) {
        this.root = root;
    }

    /** {@code root/name}, installed by {@code installer} if no JVM has done it yet. */
    Path installOnce(String name, Installer installer) {
        Path target = root.resolve(name);
        synchronized (LOCK) {
            if (Files.isDirectory(target)) {
                return target;
            }
            long started = System.nanoTime();
            try {
                createReadableDirectory(root);
                Path staging = Files.createTempDirectory(root, "." + name + "-");
                try {
                    installer.installInto(staging);
                    Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    LOG.info("Unpacked {} in {} ms", target, (System.nanoTime() - started) / 1_000_000);
                } catch (IOException e) {
                    if (!Files.isDirectory(target)) {
                        throw e;
                    }
                    LOG.debug("Another JVM unpacked {} first", target);
                } finally {
                    deleteRecursively(staging);
                }
            } catch (IOException e) {
                throw new LocalStackException("could not unpack " + name + " into " + target + ": " + e, e);
            }
            return target;
        }
    }

    /** Creates {@code directory} (and parents) readable and traversable by every user. */
    static void createReadableDirectory(Path directory) throws IOException {
        Files.createDirectories(directory);
        try {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            // Created earlier by another user: its mode is theirs to keep; using it only needs read access.
            LOG.debug("Could not set the mode of {}: {}", directory, e.toString());
        }
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + path, e);
        }
    }
}
