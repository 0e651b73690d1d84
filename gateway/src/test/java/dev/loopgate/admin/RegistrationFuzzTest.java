package dev.loopgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.Json;
import dev.loopgate.registry.Registration;
import dev.loopgate.registry.RegistryException;
import java.io.IOException;
import java.time.Instant;

/**
 * Any bytes as a registration body: a registration of a loopback backend or a 4xx naming its field, never another
 * exception (which would be a 500).
 */
class RegistrationFuzzTest {
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    @FuzzTest(maxDuration = "10s")
    void registrationBody(byte[] body) {
        if (body == null) {
            return;
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            return; // the handler answers unparsable JSON with a 400 before this point
        }
        try {
            Registration r = RegistrationRequest.parse("web", "one", json, "loopgate.localhost", NOW);
            assertThat(RegistrationRequest.isLoopback(r.url().host()))
                    .as("only loopback backends outside containers")
                    .isTrue();
            assertThat(r.hosts()).isNotEmpty().doesNotContain("loopgate.localhost");
            assertThat(r.paths()).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("/"));
        } catch (RegistryException e) {
            assertThat(e.status()).isBetween(400, 499);
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
