package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The images deploy/docker builds: they copy the jar the module's build really makes, run it as a non-root user
 * that matches the pods' runAsUser, expose the configured http port, and size the JVM from the container.
 */
class ContainerImageTest {

    private static final Path REPOSITORY = Path.of("..");
    private static final Pattern SHADED_JAR = Pattern.compile(
            "<outputFile>\\$\\{project\\.build\\.directory}/([^<]+)</outputFile>");

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void copiesTheRunnableJarTheModuleBuilds(TributaryService service) throws IOException {
        String[] copy = image(service).only("COPY").split("\\s+");
        assertEquals(2, copy.length, "COPY <jar> <destination>");
        assertEquals(service.moduleName + "/target/" + shadedJarName(service), copy[0],
                "the jar the module's shade plugin writes");
        List<String> entrypoint = entrypoint(service);
        assertEquals(copy[1], entrypoint.get(entrypoint.indexOf("-jar") + 1), "ENTRYPOINT runs the copied jar");
        List<String> ignore = Files.readAllLines(Path.of("docker", service.moduleName + ".Dockerfile.dockerignore"));
        assertTrue(ignore.contains("!" + copy[0]), "the .dockerignore must let " + copy[0] + " into the context");
    }

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void runsAsTheNonRootUserThePodsRunAs(TributaryService service) {
        String user = image(service).only("USER");
        assertTrue(user.matches("[0-9]+(:[0-9]+)?"), "USER must be numeric for runAsNonRoot to verify it: " + user);
        long uid = Long.parseLong(user.split(":")[0]);
        assertTrue(uid > 0, "USER must not be root");
        assertEquals(uid, Site.render("base").deployment(service.moduleName).getSpec().getTemplate().getSpec()
                .getSecurityContext().getRunAsUser());
    }

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void exposesTheHttpPortTheConfigMapSets(TributaryService service) {
        ContainerLaunch launch = ContainerLaunch.of(Site.render("base"), service.moduleName);
        int httpPort = service.httpPort(launch.writeConfig(directory), launch.environment());
        assertEquals(String.valueOf(httpPort), image(service).only("EXPOSE"));
    }

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void startsAJreJvmSizedByTheContainerThatExitsOnOutOfMemory(TributaryService service) {
        assertTrue(image(service).only("FROM").matches("eclipse-temurin:17[-.0-9]*-jre.*"),
                "a Java 17 JRE base image: " + image(service).only("FROM"));
        List<String> entrypoint = entrypoint(service);
        assertEquals("java", entrypoint.get(0));
        assertTrue(entrypoint.stream().anyMatch(option -> option.startsWith("-XX:MaxRAMPercentage=")), "" + entrypoint);
        assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), "" + entrypoint);
        Container container = ContainerLaunch.of(Site.render("base"), service.moduleName).container();
        assertEquals(List.of(), container.getCommand() == null ? List.of() : container.getCommand(),
                "the pod must keep the image's ENTRYPOINT and pass only args");
        assertTrue(container.getImage().startsWith("tributary/" + service.moduleName + ":"), container.getImage());
    }

    private static Dockerfile image(TributaryService service) {
        return Dockerfile.read(Path.of("docker", service.moduleName + ".Dockerfile"));
    }

    /** The exec-form ENTRYPOINT (a JSON array), so java is PID 1 and gets SIGTERM. */
    private static List<String> entrypoint(TributaryService service) {
        String text = image(service).only("ENTRYPOINT");
        JsonNode array;
        try {
            array = KubernetesObjects.YAML.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("ENTRYPOINT is not in exec form (a JSON array): " + text, e);
        }
        assertTrue(array.isArray(), "ENTRYPOINT must be in exec form (a JSON array): " + text);
        List<String> words = new ArrayList<>();
        array.forEach(word -> words.add(word.asText()));
        return words;
    }

    private static String shadedJarName(TributaryService service) throws IOException {
        String pom = Files.readString(REPOSITORY.resolve(service.moduleName).resolve("pom.xml"));
        Matcher matcher = SHADED_JAR.matcher(pom);
        assertTrue(matcher.find(), service.moduleName + "/pom.xml names no shaded <outputFile>");
        return matcher.group(1);
    }
}
