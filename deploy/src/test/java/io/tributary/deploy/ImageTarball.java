package io.tributary.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image tarball as {@code jib:buildTar} writes it (the format {@code docker load}, {@code podman load} and
 * {@code crane push} read): {@code manifest.json} naming the config file, the tags and the gzipped layers in order.
 *
 * @param file      the tarball
 * @param unpacked  the directory it was unpacked into
 * @param repoTags  the names it loads as, e.g. {@code tributary/etl-producer:0.1.0-SNAPSHOT}
 * @param config    the image configuration's {@code config} object (Entrypoint, User, ExposedPorts, Env, ...)
 * @param layers    the layer files, base first
 */
record ImageTarball(Path file, Path unpacked, List<String> repoTags, JsonNode config, List<Path> layers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file, directory or link of a layer: its path without the leading {@code /} and its permission bits. */
    record Entry(String path, int mode, long size) {
    }

    /** Unpacks {@code file} into {@code directory} and reads its manifest and configuration. */
    static ImageTarball read(Path file, Path directory) {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(file.toAbsolutePath() + " does not exist: build it with mvn -Pimages package");
        }
        try {
            try (InputStream in = Files.newInputStream(file);
                    TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    Path target = directory.resolve(entry.getName()).normalize();
                    if (!target.startsWith(directory) || entry.isDirectory()) {
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                }
            }
            JsonNode manifest = JSON.readTree(directory.resolve("manifest.json").toFile());
            if (manifest.size() != 1) {
                throw new AssertionError(file + ": expected one image in manifest.json, found " + manifest.size());
            }
            JsonNode image = manifest.get(0);
            List<String> tags = new ArrayList<>();
            image.path("RepoTags").forEach(tag -> tags.add(tag.asText()));
            List<Path> layers = new ArrayList<>();
            image.path("Layers").forEach(layer -> layers.add(directory.resolve(layer.asText())));
            JsonNode config = JSON.readTree(directory.resolve(image.path("Config").asText()).toFile()).path("config");
            return new ImageTarball(file, directory, tags, config, layers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image tarball " + file, e);
        }
    }

    /** Every entry of one layer, by path (no leading {@code /}, no trailing {@code /}). */
    static Map<String, Entry> entries(Path layer) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(layer));
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String path = entry.getName().replaceAll("^\\./|^/|/$", "");
                entries.put(path, new Entry(path, entry.getMode() & 07777, entry.getSize()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read layer " + layer, e);
        }
        return entries;
    }

    /** The entries of all layers together, later layers winning (the image's filesystem, without whiteouts). */
    Map<String, Entry> filesystem() {
        Map<String, Entry> all = new LinkedHashMap<>();
        layers.forEach(layer -> all.putAll(entries(layer)));
        return all;
    }

    /** The configuration's list {@code name} (Entrypoint, Env), empty when absent. */
    List<String> strings(String name) {
        List<String> values = new ArrayList<>();
        config.path(name).forEach(value -> values.add(value.asText()));
        return values;
    }

    /** The image's environment, {@code Env}, as a map. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String variable : strings("Env")) {
            int equals = variable.indexOf('=');
            environment.put(variable.substring(0, equals), variable.substring(equals + 1));
        }
        return environment;
    }
}
