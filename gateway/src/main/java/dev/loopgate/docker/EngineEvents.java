package dev.loopgate.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Which lines of the Engine's {@code /events} stream change what loopgate routes: a container starting, stopping or
 * changing health, and a container joining or leaving a network (its address changes). Each one makes the provider
 * list the containers again, which is cheap and never misses a state the events alone would have to reconstruct.
 */
final class EngineEvents {
    /** The stream's query: container and network events only. */
    static final String PATH = "/events?filters=%7B%22type%22%3A%5B%22container%22%2C%22network%22%5D%7D";

    private static final Set<String> CONTAINER_ACTIONS =
            Set.of("start", "restart", "die", "stop", "kill", "destroy", "pause", "unpause", "rename", "update");
    private static final Set<String> NETWORK_ACTIONS = Set.of("connect", "disconnect");

    private EngineEvents() {}

    static boolean changesRoutes(JsonNode event) {
        String type = event.path("Type").asText();
        String action = event.path("Action").asText();
        if (type.equals("container")) {
            return CONTAINER_ACTIONS.contains(action) || action.startsWith("health_status");
        }
        return type.equals("network") && NETWORK_ACTIONS.contains(action);
    }
}
