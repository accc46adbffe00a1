package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    @TempDir
    Path temp;

    @Test
    void keepsTheLastLines() throws IOException {
        Path log = Files.writeString(temp.resolve("service.log"), "one\ntwo\nthree\nfour\n");

        assertEquals(String.join(System.lineSeparator(), "three", "four"), LogTail.of(log, 2));
    }

    @Test
    void saysWhenTheLogIsMissing() {
        String described = LogTail.describe(temp.resolve("absent.log"));

        assertTrue(described.contains("absent.log does not exist"), described);
    }
}
