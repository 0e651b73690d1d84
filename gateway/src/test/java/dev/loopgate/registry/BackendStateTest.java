package dev.loopgate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.ConfigLoader;
import dev.loopgate.config.HealthConfig;
import dev.loopgate.health.BackendState;
import dev.loopgate.health.BackendStates;
import dev.loopgate.routing.Backend;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.Routes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backend's run-time state survives the route-table rebuild of every registration and lease renewal, and goes
 * when the backend does.
 */
class BackendStateTest {
    private static Registration api(String id, int port) {
        return new Registration(
                "api",
                id,
                BackendUrl.parse("http://127.0.0.1:" + port),
                List.of("api.localhost"),
                List.of("/"),
                false,
                HealthConfig.DEFAULT,
                Duration.ofSeconds(30),
                Instant.now().plusSeconds(30));
    }

    private static Backend backend(Routes routes, String id) {
        return routes.current().routeFor("api").backends().stream()
                .filter(b -> b.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void countersAndHealthSurviveARenewalAndAreForgottenWithTheBackend() throws Exception {
        BackendStates states = new BackendStates(Clock.systemUTC());
        var config = ConfigLoader.parse("services: {}\n", "test.yaml");
        Routes routes = new Routes(RouteTable.build(config, List.of(), states));
        Registry registry = new Registry(routes, config, null, Clock.systemUTC(), a -> {}, states);
        registry.register(api("one", 9001));
        registry.register(api("two", 9002));

        Backend before = backend(routes, "one");
        before.started();
        before.answered(500, 3);
        before.answered(500, 3);
        before.preferIpv6(true);

        registry.register(api("three", 9003)); // another registration: a new table, new Backend objects
        Backend after = backend(routes, "one");
        assertThat(after).isNotSameAs(before);
        assertThat(after.inFlight())
                .as("least_request still sees the request in flight")
                .isEqualTo(1);
        assertThat(after.preferIpv6()).isTrue();
        after.answered(500, 3);
        assertThat(after.health().status())
                .as("the third 5xx in a row, across the rebuild, ejects the backend")
                .isEqualTo(BackendState.Status.DOWN);

        registry.deregister("api", "one");
        assertThat(states.get("api", "one")).as("forgotten with the backend").isNull();
        assertThat(states.get("api", "two")).isNotNull();
    }
}
