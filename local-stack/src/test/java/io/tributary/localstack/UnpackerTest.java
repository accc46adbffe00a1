package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackerTest {

    @TempDir
    Path temp;

    @Test
    void untarXzKeepsModesAndSymbolicLinks() throws IOException {
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZCompressorOutputStream(archive))) {
            TarArchiveEntry bin = new TarArchiveEntry("bin/");
            bin.setMode(040755);
            tar.putArchiveEntry(bin);
            tar.closeArchiveEntry();
            addTarFile(tar, "bin/initdb", 0100755, "#!/bin/sh\n");
            addTarFile(tar, "share/readme.txt", 0100644, "hello\n");
            TarArchiveEntry link = new TarArchiveEntry("lib/libpq.so", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("libpq.so.5");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }

        Unpacker.untarXz(new ByteArrayInputStream(archive.toByteArray()), temp);

        assertEquals("rwxr-xr-x", mode(temp.resolve("bin/initdb")));
        assertEquals("rw-r--r--", mode(temp.resolve("share/readme.txt")));
        assertEquals("hello\n", Files.readString(temp.resolve("share/readme.txt")));
        assertTrue(Files.isSymbolicLink(temp.resolve("lib/libpq.so")));
        assertEquals(Path.of("libpq.so.5"), Files.readSymbolicLink(temp.resolve("lib/libpq.so")));
    }

    @Test
    void unzipKeepsUnixModesAndFallsBackWhenNoneWereRecorded() throws IOException {
        Path zip = temp.resolve("dist.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            addZipFile(out, "es/bin/elasticsearch", 0755, "#!/bin/sh\n");
            addZipFile(out, "es/config/jvm.options", 0, "-Xms1g\n");
            ZipArchiveEntry link = new ZipArchiveEntry("es/lib/current");
            link.setUnixMode(0120777);
            out.putArchiveEntry(link);
            out.write("../bin".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }
        Path destination = Files.createDirectory(temp.resolve("out"));

        Unpacker.unzip(zip, destination);

        assertEquals("rwxr-xr-x", mode(destination.resolve("es/bin/elasticsearch")));
        assertEquals("rw-r--r--", mode(destination.resolve("es/config/jvm.options")));
        assertEquals("-Xms1g\n", Files.readString(destination.resolve("es/config/jvm.options")));
        assertEquals(Path.of("../bin"), Files.readSymbolicLink(destination.resolve("es/lib/current")));
    }

    @Test
    void refusesEntriesThatWouldLandOutsideTheDestination() throws IOException {
        Path zip = temp.resolve("evil.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            addZipFile(out, "../escaped.txt", 0644, "boo");
        }
        Path destination = Files.createDirectory(temp.resolve("out"));

        IOException thrown = assertThrows(IOException.class, () -> Unpacker.unzip(zip, destination));

        assertTrue(thrown.getMessage().contains("../escaped.txt"), thrown.getMessage());
        assertFalse(Files.exists(temp.resolve("escaped.txt")));
    }

    @Test
    void permissionsFollowTheModeBits() {
        assertEquals("rwxr-x--x", PosixFilePermissions.toString(Unpacker.permissions(0100751, 0644)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Unpacker.permissions(0, 0644)));
    }

    private static void addTarFile(TarArchiveOutputStream tar, String name, int mode, String content)
            throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(mode);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static void addZipFile(ZipArchiveOutputStream zip, String name, int mode, String content)
            throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        if (mode != 0) {
            entry.setUnixMode(0100000 | mode);
        }
        zip.putArchiveEntry(entry);
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
