package io.tributary.localstack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks .tar.xz and .zip archives, keeping unix file modes and symbolic links, and refusing entries that would
 * land outside the destination. Stateless and thread-safe.
 */
final class Unpacker {

    private static final int DEFAULT_DIRECTORY_MODE = 0755;
    private static final int DEFAULT_FILE_MODE = 0644;

    private Unpacker() {
    }

    /** Unpacks the xz-compressed tar read from {@code in} into the existing directory {@code destination}. */
    static void untarXz(InputStream in, Path destination) throws IOException {
        Map<Path, Integer> directoryModes = new LinkedHashMap<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(in)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path target = inside(destination, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    directoryModes.put(target, entry.getMode());
                } else if (entry.isSymbolicLink()) {
                    createParent(target);
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    createParent(target);
                    Files.createLink(target, inside(destination, entry.getLinkName()));
                } else {
                    createParent(target);
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    setMode(target, entry.getMode(), DEFAULT_FILE_MODE);
                }
            }
        }
        directoryModes.forEach((directory, mode) -> setModeUnchecked(directory, mode));
    }

    /** Unpacks the zip file {@code zip} into the existing directory {@code destination}. */
    static void unzip(Path zip, Path destination) throws IOException {
        Map<Path, Integer> directoryModes = new LinkedHashMap<>();
        try (ZipFile zipFile = ZipFile.builder().setPath(zip).get()) {
            for (Enumeration<ZipArchiveEntry> entries = zipFile.getEntries(); entries.hasMoreElements();) {
                ZipArchiveEntry entry = entries.nextElement();
                Path target = inside(destination, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    directoryModes.put(target, entry.getUnixMode());
                } else if (entry.isUnixSymlink()) {
                    createParent(target);
                    try (InputStream in = zipFile.getInputStream(entry)) {
                        String linkTarget = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        Files.createSymbolicLink(target, Path.of(linkTarget));
                    }
                } else {
                    createParent(target);
                    try (InputStream in = zipFile.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    setMode(target, entry.getUnixMode(), DEFAULT_FILE_MODE);
                }
            }
        }
        directoryModes.forEach((directory, mode) -> setModeUnchecked(directory, mode));
    }

    /** The permission bits of a unix mode (0 means "not recorded" and gives {@code fallback}). */
    static Set<PosixFilePermission> permissions(int mode, int fallback) {
        int bits = (mode & 0777) == 0 ? fallback : mode & 0777;
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, high bit first
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < all.length; i++) {
            if ((bits & (1 << (all.length - 1 - i))) != 0) {
                permissions.add(all[i]);
            }
        }
        return permissions;
    }

    private static Path inside(Path destination, String entryName) throws IOException {
        Path target = destination.resolve(entryName).normalize();
        if (!target.startsWith(destination.normalize())) {
            throw new IOException("archive entry '" + entryName + "' would unpack outside " + destination);
        }
        return target;
    }

    private static void createParent(Path target) throws IOException {
        Files.createDirectories(target.getParent());
    }

    private static void setMode(Path path, int mode, int fallback) throws IOException {
        Files.setPosixFilePermissions(path, permissions(mode, fallback));
    }

    private static void setModeUnchecked(Path directory, int mode) {
        try {
            int owned = (mode & 0777) == 0 ? 0 : mode | 0700; // we must still be able to enter what we unpacked
            setMode(directory, owned, DEFAULT_DIRECTORY_MODE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not set the mode of " + directory, e);
        }
    }
}
