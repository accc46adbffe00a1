package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactCacheTest {

    @TempDir
    Path temp;

    @Test
    void installsOnceIntoAWorldReadableDirectory() throws IOException {
        ArtifactCache cache = new ArtifactCache(temp.resolve("dist"));
        AtomicInteger installs = new AtomicInteger();
        ArtifactCache.Installer installer = directory -> {
            installs.incrementAndGet();
            Files.writeString(directory.resolve("marker"), "x");
        };

        Path first = cache.installOnce("thing-1.0", installer);
        Path second = cache.installOnce("thing-1.0", installer);

        assertEquals(temp.resolve("dist/thing-1.0"), first);
        assertEquals(first, second);
        assertEquals(1, installs.get());
        assertEquals("x", Files.readString(first.resolve("marker")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(first)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("dist"))));
    }

    @Test
    void failedInstallLeavesNothingBehind() throws IOException {
        ArtifactCache cache = new ArtifactCache(temp.resolve("dist"));

        assertThrows(LocalStackException.class, () -> cache.installOnce("broken-1.0", directory -> {
            Files.writeString(directory.resolve("half"), "x");
            throw new IOException("disk full");
        }));

        assertFalse(Files.exists(temp.resolve("dist/broken-1.0")));
        try (Stream<Path> left = Files.list(temp.resolve("dist"))) {
            assertEquals(0, left.count());
        }
    }
}
