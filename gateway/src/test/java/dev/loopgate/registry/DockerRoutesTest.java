package dev.loopgate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.ConfigLoader;
import dev.loopgate.config.GatewayConfig;
import dev.loopgate.config.HealthConfig;
import dev.loopgate.health.BackendStates;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.Routes;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Containers' routes beside the file's and the API's: the file and the API keep what they declare. */
class DockerRoutesTest {
    private static Registration container(String service, int port) {
        BackendUrl url = BackendUrl.parse("http://127.0.0.1:" + port);
        return new Registration(
                service,
                url.authority(),
                url,
                List.of(service + ".localhost"),
                List.of("/"),
                false,
                HealthConfig.DEFAULT,
                null,
                null);
    }

    @Test
    void aContainerGetsItsRouteUnlessTheFileOrTheApiHasTheService() throws Exception {
        GatewayConfig config = ConfigLoader.parse("services:\n  web: 3000\n", "test.yaml");
        BackendStates health = new BackendStates(Clock.systemUTC());
        Routes routes = new Routes(RouteTable.build(config, List.of(), health));
        Registry registry = new Registry(routes, config, null, Clock.systemUTC(), a -> {}, health);
        registry.register(container("api", 4000));

        registry.dockerChanged(List.of(container("admin", 5000), container("web", 5001), container("api", 5002)));

        assertThat(routes.current().services().get("admin").source()).isEqualTo("docker");
        assertThat(routes.current().services().get("web").source()).isEqualTo("file");
        assertThat(routes.current().services().get("api").source()).isEqualTo("api");
        assertThat(registry.shadowed())
                .containsExactly(
                        "Docker service 'web': the config file declares a service of that name",
                        "Docker service 'api' is registered through the API");

        registry.dockerChanged(List.of());
        assertThat(routes.current().services()).doesNotContainKey("admin");
        assertThat(registry.shadowed()).isEmpty();
    }
}
