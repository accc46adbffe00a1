package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.localstack.LocalStackMain.Options;
import io.tributary.localstack.LocalStackMain.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackMainTest {

    @TempDir
    Path temp;

    @Test
    void startsEverythingWithoutArguments() {
        assertEquals(new Options(EnumSet.allOf(Service.class), PostgresMajor.DEFAULT, Optional.empty()),
                Options.parse());
    }

    @Test
    void parsesOnlyAndEnvFile() {
        Options options = Options.parse("--only", "postgres,Kafka", "--env-file", "target/stack.env");

        assertEquals(EnumSet.of(Service.POSTGRES, Service.KAFKA), options.services());
        assertEquals(Optional.of(Path.of("target/stack.env")), options.envFile());
    }

    @Test
    void parsesPostgresMajor() {
        assertEquals(PostgresMajor.V14, Options.parse("--postgres-major", "14").postgresMajor());
        assertEquals(PostgresMajor.V17, Options.parse("--postgres-major", "17", "--only", "postgres").postgresMajor());
    }

    @Test
    void rejectsUnknownServicesAndArguments() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--only", "mysql"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--verbose"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--env-file"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--postgres-major", "11"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--postgres-major", "fourteen"));
    }

    @Test
    void writesOneLinePerVariable() throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("POSTGRES_HOST", "127.0.0.1");
        environment.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        Path file = temp.resolve("sub/stack.env");

        LocalStackMain.writeEnvFile(file, environment);

        assertEquals("POSTGRES_HOST=127.0.0.1\nKAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092\n", Files.readString(file));
    }
}
