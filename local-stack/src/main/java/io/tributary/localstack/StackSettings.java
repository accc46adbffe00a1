package io.tributary.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * What every service launcher needs: who runs the services, where their run directories go, where unpacked
 * distributions are cached and where the artifacts are. Immutable and thread-safe.
 *
 * @param user the user PostgreSQL and Elasticsearch run as
 * @param runDirectory {@code target/local-stack} of the working directory: one subdirectory per started service
 * @param sharedDirectory world-traversable directory for the cache of unpacked distributions and, when the service
 *     user cannot reach {@code runDirectory}, for the services' real run directories
 * @param artifacts the service artifacts in the local Maven repository
 */
record StackSettings(ServiceUser user, Path runDirectory, Path sharedDirectory, StackArtifacts artifacts) {

    /** The settings of this JVM: run directory under the working directory, shared directory under java.io.tmpdir. */
    static StackSettings forThisJvm() {
        Path runDirectory = Path.of("").toAbsolutePath().resolve("target").resolve("local-stack");
        Path shared = Path.of(System.getProperty("java.io.tmpdir"), "tributary-local-stack");
        try {
            Files.createDirectories(runDirectory);
            ArtifactCache.createReadableDirectory(shared);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + runDirectory + " or " + shared, e);
        }
        return new StackSettings(ServiceUser.detect(runDirectory), runDirectory, shared,
                StackArtifacts.recordedAtBuild());
    }

    ArtifactCache cache() {
        return new ArtifactCache(sharedDirectory.resolve("dist"));
    }

    /**
     * A new, empty directory for one run of a service, named {@code <name>} (or {@code <name>-2}, ... if taken)
     * under the run directory and owned by the service user (when {@code forServiceUser}).
     *
     * <p>If the service user cannot write there (e.g. the work tree is under {@code /root}), the real directory is
     * created under the shared directory and {@code runDirectory/<name>} becomes a symbolic link to it, so logs are
     * still found under {@code target/local-stack}. Returns the real directory.
     */
    Path newServiceDirectory(String name, boolean forServiceUser) {
        try {
            Path link = unusedName(runDirectory, name);
            Files.createDirectory(link);
            if (!forServiceUser || !user.switchesUser()) {
                return link;
            }
            user.own(link);
            if (user.canWrite(link)) {
                return link;
            }
            Files.delete(link);
            Path realRoot = sharedDirectory.resolve("run");
            ArtifactCache.createReadableDirectory(realRoot);
            Path real = Files.createTempDirectory(realRoot, link.getFileName() + "-");
            Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxr-xr-x"));
            user.own(real);
            Files.createSymbolicLink(link, real);
            return real;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a run directory for " + name + " in " + runDirectory, e);
        }
    }

    private static Path unusedName(Path parent, String name) {
        Path candidate = parent.resolve(name);
        for (int suffix = 2; Files.exists(candidate, LinkOption.NOFOLLOW_LINKS); suffix++) {
            candidate = parent.resolve(name + "-" + suffix);
        }
        return candidate;
    }
}
