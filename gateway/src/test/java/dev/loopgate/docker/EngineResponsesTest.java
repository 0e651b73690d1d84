package dev.loopgate.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.Json;
import dev.loopgate.registry.Registration;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The provider's reading of Engine API answers recorded from a real Engine (20.10): {@code GET /containers/json}
 * with labelled, mislabelled, unlabelled and unreachable containers, and the {@code /events} lines of starting and
 * stopping them.
 */
class EngineResponsesTest {
    private static String resource(String name) throws Exception {
        try (InputStream in = EngineResponsesTest.class.getResourceAsStream("/docker/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void labelledContainersBecomeRoutesAndBadLabelsAreReportedPerContainer() throws Exception {
        Containers.Discovered found =
                Containers.read(Json.mapper().readTree(resource("containers.json")), "loopgate.localhost");
        assertThat(found.routes()).hasSize(1);
        Registration admin = found.routes().get(0);
        assertThat(admin.service()).isEqualTo("admin");
        assertThat(admin.url().toString())
                .as("host networking: reached on loopback")
                .isEqualTo("http://127.0.0.1:3000");
        assertThat(admin.id()).isEqualTo("127.0.0.1:3000");
        assertThat(admin.hosts()).containsExactly("admin.localhost");
        assertThat(admin.paths()).containsExactly("/");
        assertThat(found.problems())
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("container broken: label loopgate.service:"))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("container isolated: it has no network address")
                        .contains("host networking"));
    }

    @Test
    void aComposeContainerIsReachedAtItsNetworkAddressWithItsHostsAndPath() throws Exception {
        Containers.Discovered found =
                Containers.read(Json.mapper().readTree(resource("containers-compose.json")), "loopgate.localhost");
        assertThat(found.problems()).isEmpty();
        Registration api = found.routes().get(0);
        assertThat(api.url().toString()).isEqualTo("http://172.18.0.5:8080");
        assertThat(api.hosts()).containsExactly("api.localhost", "*.api.localhost");
        assertThat(api.paths()).containsExactly("/api");
    }

    @Test
    void aMissingPortOrAnUnknownNetworkIsNamed() throws Exception {
        JsonNode c = Json.mapper().readTree(resource("containers-compose.json"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) c.get(0).get("Labels")).remove("loopgate.port");
        assertThat(Containers.read(c, "loopgate.localhost").problems())
                .containsExactly("container shop-api-1: label loopgate.port is missing: add the port the container"
                        + " listens on, e.g. loopgate.port=3000");
        JsonNode d = Json.mapper().readTree(resource("containers-compose.json"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) d.get(0).get("Labels")).put("loopgate.network", "other");
        assertThat(Containers.read(d, "loopgate.localhost").problems().get(0))
                .contains("no address on 'other'")
                .contains("shop_default");
    }

    @Test
    void startStopAndNetworkEventsTriggerAResyncAndCreateDoesNot() throws Exception {
        List<JsonNode> events = resource("events.jsonl")
                .lines()
                .map(l -> {
                    try {
                        return Json.mapper().readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
        assertThat(events).hasSizeGreaterThan(10);
        for (JsonNode e : events) {
            String action = e.path("Action").asText();
            boolean expected = !action.equals("create");
            assertThat(EngineEvents.changesRoutes(e))
                    .as(e.path("Type") + " " + action)
                    .isEqualTo(expected);
        }
        assertThat(EngineEvents.changesRoutes(
                        Json.mapper().readTree("{\"Type\":\"container\",\"Action\":\"health_status: unhealthy\"}")))
                .isTrue();
        assertThat(EngineEvents.changesRoutes(Json.mapper().readTree("{\"Type\":\"image\",\"Action\":\"pull\"}")))
                .isFalse();
    }
}
