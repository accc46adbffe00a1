package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.tributary.config.CommandLine;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The image tarballs {@code mvn -Pimages package} writes to target/images, read back: each loads under the name
 * deploy/k8s and compose.yaml run, starts the module's runnable jar on the image's own Java runtime as the pods'
 * non-root user with the JVM flags a container needs, exposes the port the ConfigMap configures, and its runtime
 * holds every module the service uses. Run by failsafe in the images profile only (after jib, at package).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImageTarballIT {

    private static final Path IMAGES = Path.of("target", "images");
    private static final String RUNTIME = "opt/java/openjdk";
    private static final Map<TributaryService, ImageTarball> READ = new EnumMap<>(TributaryService.class);

    @TempDir
    static Path directory;

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void loadsUnderTheNameTheManifestsAndComposeRun(TributaryService service) throws IOException {
        String kubernetesImage = launch(service).container().getImage();
        assertEquals(List.of(kubernetesImage), image(service).repoTags(), "the tag docker/podman load gives it");
        JsonNode compose = KubernetesObjects.YAML.readTree(Path.of("compose.yaml").toFile());
        assertEquals(kubernetesImage, compose.path("services").path(service.moduleName).path("image").asText(),
                "compose.yaml runs the image the build writes");
    }

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void runsTheModulesRunnableJarWithTheJvmFlagsAContainerNeeds(TributaryService service) throws IOException {
        List<String> entrypoint = image(service).strings("Entrypoint");
        assertEquals("java", entrypoint.get(0), "" + entrypoint);
        assertTrue(entrypoint.stream().anyMatch(flag -> flag.startsWith("-XX:MaxRAMPercentage=")), "" + entrypoint);
        assertTrue(entrypoint.containsAll(List.of("-XX:+UseContainerSupport", "-XX:+ExitOnOutOfMemoryError")),
                "" + entrypoint);
        String jar = entrypoint.get(entrypoint.indexOf("-jar") + 1);
        Path built = Path.of("..", service.moduleName, "target", service.moduleName + ".jar");
        ImageTarball.Entry inImage = ImageTarball.entries(last(image(service).layers())).get(jar.substring(1));
        assertNotNull(inImage, "the last layer holds " + jar);
        assertEquals(Files.size(built), inImage.size(), jar + " is " + built);
        Container container = launch(service).container();
        assertTrue(container.getCommand() == null || container.getCommand().isEmpty(),
                "the pod keeps the image's entrypoint and passes only args: " + container.getCommand());
        assertTrue(image(service).environment().get("PATH").startsWith("/" + RUNTIME + "/bin:"),
                "java on the PATH is the image's runtime: " + image(service).environment());
    }

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void runsAsTheNonRootUserAndGroupThePodsRunAs(TributaryService service) {
        String user = image(service).config().path("User").asText();
        assertTrue(user.matches("[0-9]+:[0-9]+"), "User must be a numeric uid:gid for runAsNonRoot to check: " + user);
        long uid = Long.parseLong(user.split(":")[0]);
        assertTrue(uid > 0, "User must not be root: " + user);
        PodSecurityContext pod = Site.render("base").deployment(service.moduleName).getSpec().getTemplate().getSpec()
                .getSecurityContext();
        assertEquals(pod.getRunAsUser() + ":" + pod.getRunAsGroup(), user);
    }

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void exposesTheHttpPortTheConfigMapSets(TributaryService service) {
        ContainerLaunch launch = launch(service);
        int httpPort = service.httpPort(launch.writeConfig(directory), launch.environment());
        List<String> exposed = new ArrayList<>();
        image(service).config().path("ExposedPorts").fieldNames().forEachRemaining(exposed::add);
        assertEquals(List.of(httpPort + "/tcp"), exposed);
    }

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void hasARuntimeLayerBelowALayerWithOnlyTheJar(TributaryService service) {
        List<Path> layers = image(service).layers();
        Map<String, ImageTarball.Entry> jarLayer = ImageTarball.entries(last(layers));
        Set<String> jarLayerFiles = jarLayer.values().stream().filter(entry -> entry.size() > 0)
                .map(ImageTarball.Entry::path).collect(Collectors.toSet());
        assertEquals(Set.of("opt/tributary/" + service.moduleName + ".jar"), jarLayerFiles);
        Map<String, ImageTarball.Entry> runtime = layers.subList(0, layers.size() - 1).stream()
                .map(ImageTarball::entries).filter(entries -> entries.containsKey(RUNTIME + "/bin/java"))
                .findFirst().orElseThrow(() -> new AssertionError("no layer below the jar holds " + RUNTIME));
        assertEquals(0755, runtime.get(RUNTIME + "/bin/java").mode(), "java is executable");
        for (String file : List.of(RUNTIME + "/lib/server/libjvm.so", RUNTIME + "/release",
                "lib64/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/libc.so.6", "etc/passwd", "etc/ld.so.cache")) {
            assertTrue(runtime.containsKey(file), "the runtime layer holds /" + file);
        }
        assertEquals(0777, runtime.get("tmp").mode(), "/tmp is writable by the non-root user");
    }

    /** One jdeps run over both services (they share the base, and most of their dependencies). */
    @Test
    void runtimeHoldsEveryModuleTheServicesUse() throws Exception {
        Set<String> used = modulesUsedBy(TributaryService.values());
        for (TributaryService service : TributaryService.values()) {
            Path root = unpackedFilesystem(service);
            String release = Files.readString(root.resolve(RUNTIME).resolve("release"));
            Set<String> modules = Arrays.stream(release.lines().filter(line -> line.startsWith("MODULES="))
                    .findFirst().orElseThrow().replaceAll("^MODULES=\"|\"$", "").split(" "))
                    .collect(Collectors.toSet());
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(modules);
            assertEquals(Set.of(), missing, "modules the services use (jdeps) that " + service
                    + "'s runtime lacks: add them to images.jre.modules in deploy/pom.xml");
        }
    }

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void startsFromItsOwnFilesAsItsUserAndReadsTheManifestsConfigPath(TributaryService service) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(chroot()),
                "running the image's entrypoint in a chroot needs root and chroot");
        Path root = unpackedFilesystem(service);
        ImageTarball image = image(service);
        List<String> command = new ArrayList<>(List.of(chroot().toString(),
                "--userspec=" + image.config().path("User").asText(), root.toString()));
        List<String> entrypoint = image.strings("Entrypoint");
        command.add(onPath(root, image.environment().get("PATH"), entrypoint.get(0)));
        command.addAll(entrypoint.subList(1, entrypoint.size()));
        List<String> args = launch(service).container().getArgs();
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(image.environment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service did not exit: " + output);
        Path configFile = CommandLine.parse(args.toArray(String[]::new)).configFile();
        assertEquals(2, process.exitValue(), "a missing --config file is a configuration error: " + output);
        assertTrue(output.contains(service.moduleName + ": configuration error")
                && output.contains(configFile + " does not exist"), output);
    }

    private static ImageTarball image(TributaryService service) {
        synchronized (READ) {
            return READ.computeIfAbsent(service, key -> ImageTarball.read(IMAGES.resolve(key.moduleName + ".tar"),
                    mkdirs(directory.resolve(key.moduleName + "-tarball"))));
        }
    }

    private static ContainerLaunch launch(TributaryService service) {
        return ContainerLaunch.of(Site.render("base"), service.moduleName);
    }

    /** The image's filesystem, its layers unpacked in order by tar (which keeps modes; owners too as root). */
    private static Path unpackedFilesystem(TributaryService service) throws IOException, InterruptedException {
        Path root = directory.resolve(service.moduleName + "-rootfs");
        if (Files.isDirectory(root)) {
            return root;
        }
        mkdirs(root);
        for (Path layer : image(service).layers()) {
            Process tar = new ProcessBuilder("tar", "-xzf", layer.toString(), "-C", root.toString())
                    .redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, tar.waitFor(), "tar -xzf " + layer + ": " + output);
        }
        return root;
    }

    /** What jdeps finds the services' classes and their dependencies use of the JDK. */
    private static Set<String> modulesUsedBy(TributaryService... services) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> arguments = new ArrayList<>(List.of("--ignore-missing-deps", "--multi-release", "17",
                "--print-module-deps", "--recursive", "--class-path", classPath));
        for (TributaryService service : services) {
            arguments.add(Arrays.stream(classPath.split(File.pathSeparator))
                    .filter(entry -> entry.contains(service.moduleName + File.separator + "target")).findFirst()
                    .orElseThrow(() -> new AssertionError(service + " is not on the test class path: " + classPath)));
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), arguments.toArray(String[]::new));
        String printed = out.toString(StandardCharsets.UTF_8).strip();
        assertEquals(0, status, "jdeps " + arguments + ": " + printed + err.toString(StandardCharsets.UTF_8));
        return new TreeSet<>(Arrays.asList(printed.substring(printed.lastIndexOf('\n') + 1).split(",")));
    }

    /** {@code program} as the image's PATH finds it, as a path inside the image. */
    private static String onPath(Path root, String path, String program) {
        return Arrays.stream(path.split(":")).map(directory -> directory + "/" + program)
                .filter(candidate -> Files.isExecutable(root.resolve(candidate.substring(1)))).findFirst()
                .orElseThrow(() -> new AssertionError(program + " is on no directory of the image's PATH " + path));
    }

    private static Path chroot() {
        return Files.isExecutable(Path.of("/usr/sbin/chroot")) ? Path.of("/usr/sbin/chroot") : Path.of("/sbin/chroot");
    }

    private static Path last(List<Path> layers) {
        return layers.get(layers.size() - 1);
    }

    private static Path mkdirs(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }
}
