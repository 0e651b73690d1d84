package dev.loopgate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Any bytes as the saved registrations file: it loads or is moved aside, never an exception, never silently kept. */
class StateFileFuzzTest {
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    @FuzzTest(maxDuration = "10s")
    void stateFile(byte[] content) throws IOException {
        if (content == null) {
            return;
        }
        Path dir = Files.createTempDirectory("loopgate-fuzz");
        try {
            Path file = dir.resolve("registrations.json");
            Files.write(file, content);
            RegistrationStore store = new RegistrationStore(file);
            var loaded = store.load(NOW);
            assertThat(loaded).allSatisfy(r -> assertThat(r.service()).isNotNull());
            if (loaded.isEmpty() && Files.exists(file)) {
                // Unreadable content is moved aside, never left for the next save to overwrite; an empty list
                // stays where it is.
                assertThat(isEmptyList(content))
                        .as("a file that loaded nothing and was not moved aside")
                        .isTrue();
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** Whether the content is a valid registrations file whose entries are all expired or none. */
    private static boolean isEmptyList(byte[] content) {
        try {
            JsonNode root = Json.mapper().readTree(content);
            return root != null && root.path("registrations").isArray();
        } catch (JsonProcessingException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
