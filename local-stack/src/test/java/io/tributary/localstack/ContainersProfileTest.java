package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The wiring of {@code mvn -Pcontainers}, read from the poms (the default build cannot run the profile: that needs
 * Testcontainers and, to pass, a Docker engine): the root profile switches every integration test JVM to the
 * containers backend, and local-stack's profile compiles that backend. {@link StackBackendTest} checks what the
 * switch then does, with and without the profile.
 */
class ContainersProfileTest {

    @Test
    void rootProfileSwitchesEveryIntegrationTestJvmToContainers() throws Exception {
        Element profile = profile(Path.of("..", "pom.xml"), "containers");
        List<String> values = texts(profile, StackBackend.PROPERTY);
        assertEquals(List.of("containers"), values, "the containers profile of the root pom must set "
                + StackBackend.PROPERTY + " for failsafe");
        Element failsafe = (Element) profile.getElementsByTagName(StackBackend.PROPERTY).item(0);
        assertTrue(ancestorText(failsafe).contains("maven-failsafe-plugin"), "set in failsafe's configuration");
    }

    @Test
    void localStackProfileCompilesTheContainersBackend() throws Exception {
        Element profile = profile(Path.of("pom.xml"), "containers");
        assertTrue(texts(profile, "compileSourceRoot").contains("${project.basedir}/src/containers/java"));
        Path backend = Path.of("src", "containers", "java")
                .resolve(StackBackend.CONTAINERS_CLASS.replace('.', '/') + ".java");
        assertTrue(Files.isRegularFile(backend), backend + " is the class StackBackend looks up");
        assertTrue(texts(profile, "artifactId").contains("testcontainers"));
    }

    private static Element profile(Path pom, String id) throws Exception {
        NodeList profiles = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
                .getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            if (texts(profile, "id").contains(id)) {
                return profile;
            }
        }
        throw new AssertionError(pom + " has no profile " + id);
    }

    private static List<String> texts(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent().strip());
        }
        return texts;
    }

    /** The text of the plugin element enclosing {@code node}. */
    private static String ancestorText(Node node) {
        for (Node parent = node.getParentNode(); parent != null; parent = parent.getParentNode()) {
            if ("plugin".equals(parent.getNodeName())) {
                return parent.getTextContent();
            }
        }
        return "";
    }
}
