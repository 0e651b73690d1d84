package dev.loopgate.admin;

import dev.loopgate.health.BackendStates;
import dev.loopgate.inspector.Inspector;
import dev.loopgate.metrics.Metrics;
import dev.loopgate.process.Supervisor;
import dev.loopgate.registry.Registry;
import dev.loopgate.routing.Routes;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the admin host reads and changes.
 *
 * @param configError the problems of the last rejected config edit, or {@code null} while the file is valid
 * @param notices what is configured but not routed, one line each: services that another source already has,
 *     containers with unusable labels, a Docker Engine that cannot be reached
 * @param networkBackends whether registrations may name backends beyond loopback: in a container
 *     ({@code LOOPGATE_CONTAINER=1}) the other Compose services are the local ones
 * @param processes the commands loopgate runs for services that have one, or {@code null} for none
 * @param https the HTTPS port (0 while HTTPS is off) and the note on why it is off or elsewhere
 */
public record AdminContext(
        Routes routes,
        Registry registry,
        Token token,
        Sessions sessions,
        BackendStates health,
        Metrics metrics,
        Inspector inspector,
        Supplier<String> configError,
        Supplier<List<String>> notices,
        boolean networkBackends,
        Supervisor processes,
        java.util.function.Supplier<dev.loopgate.proxy.GatewayServer.HttpsStart> https) {

    int httpsPort() {
        return https.get().port();
    }
}
