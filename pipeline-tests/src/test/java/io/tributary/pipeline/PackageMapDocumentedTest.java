package io.tributary.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md's "Package map" names every package of the main code and nothing else, so a newcomer's map of the
 * code cannot drift from it.
 */
class PackageMapDocumentedTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern PACKAGE = Pattern.compile("`(io\\.tributary(?:\\.[a-z0-9]+)+)`");

    @Test
    void packageMapNamesEveryMainPackageAndNoOther() throws IOException {
        Set<String> documented = documentedPackages();
        Set<String> inCode = mainPackages();

        Set<String> missing = new TreeSet<>(inCode);
        missing.removeAll(documented);
        Set<String> gone = new TreeSet<>(documented);
        gone.removeAll(inCode);

        assertEquals(Set.of(), missing, "packages missing from docs/design.md, section \"Package map\"");
        assertEquals(Set.of(), gone, "packages in docs/design.md's \"Package map\" that the code no longer has");
    }

    private static Set<String> documentedPackages() throws IOException {
        String design = Files.readString(ROOT.resolve("docs/design.md"));
        int start = design.indexOf("\n## Package map");
        if (start < 0) {
            throw new AssertionError("docs/design.md has no section \"## Package map\"");
        }
        int end = design.indexOf("\n## ", start + 1);
        Matcher names = PACKAGE.matcher(design.substring(start, end < 0 ? design.length() : end));
        Set<String> packages = new TreeSet<>();
        while (names.find()) {
            packages.add(names.group(1));
        }
        return packages;
    }

    /** Packages holding at least one class under some module's src/main/java. */
    private static Set<String> mainPackages() throws IOException {
        Set<String> packages = new TreeSet<>();
        List<Path> sourceRoots;
        try (Stream<Path> modules = Files.list(ROOT)) {
            sourceRoots = modules.map(module -> module.resolve("src/main/java")).filter(Files::isDirectory).toList();
        }
        for (Path sourceRoot : sourceRoots) {
            try (Stream<Path> files = Files.walk(sourceRoot)) {
                files.filter(file -> file.toString().endsWith(".java"))
                        .map(file -> sourceRoot.relativize(file.getParent()).toString().replace('/', '.'))
                        .forEach(packages::add);
            }
        }
        return packages;
    }
}
