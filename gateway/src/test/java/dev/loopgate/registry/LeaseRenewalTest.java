package dev.loopgate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.GatewayConfig;
import dev.loopgate.config.HealthConfig;
import dev.loopgate.health.BackendStates;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.Routes;
import dev.loopgate.testing.MovableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewal only moves a lease: it builds no new route table and is saved by the next lease check, not in the
 * request — `loopgate run` renews every few seconds, and each renewal used to rebuild every route and fsync.
 */
class LeaseRenewalTest {
    @TempDir
    Path dir;

    private static Registration lease(Instant now, String url) {
        BackendUrl u = BackendUrl.parse(url);
        Duration ttl = Duration.ofSeconds(30);
        return new Registration(
                "api",
                "b1",
                u,
                List.of("api.localhost"),
                List.of("/"),
                false,
                HealthConfig.DEFAULT,
                ttl,
                now.plus(ttl));
    }

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final BackendStates health = new BackendStates(clock);
    private final Routes routes = new Routes(RouteTable.build(GatewayConfig.defaults(), List.of(), health));
    private RegistrationStore store;
    private Registry registry;

    @org.junit.jupiter.api.BeforeEach
    void start() {
        store = new RegistrationStore(dir.resolve("registrations.json"));
        registry = new Registry(routes, GatewayConfig.defaults(), store, clock, a -> {}, health);
    }

    @Test
    void aRenewalKeepsTheRouteTableAndIsSavedByTheNextLeaseCheck() throws Exception {
        Instant first = clock.instant();
        assertThat(registry.register(lease(first, "http://127.0.0.1:4000"))).isEqualTo(Registry.Outcome.CREATED);
        RouteTable table = routes.current();

        clock.advance(Duration.ofSeconds(10));
        assertThat(registry.register(lease(clock.instant(), "http://127.0.0.1:4000")))
                .isEqualTo(Registry.Outcome.RENEWED);

        assertThat(routes.current()).as("no new route table for a renewal").isSameAs(table);
        assertThat(registry.leaseExpiry("api", "b1")).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(store.load(clock.instant()))
                .extracting(Registration::expiresAt)
                .containsExactly(first.plusSeconds(30));

        registry.expireLeases();

        assertThat(store.load(clock.instant()))
                .extracting(Registration::expiresAt)
                .containsExactly(clock.instant().plusSeconds(30));
    }

    @Test
    void aReRegistrationThatChangesTheBackendIsRoutedAndSavedAtOnce() throws Exception {
        registry.register(lease(clock.instant(), "http://127.0.0.1:4000"));

        registry.register(lease(clock.instant(), "http://127.0.0.1:4001"));

        assertThat(routes.current().services().get("api").backends())
                .extracting(b -> b.url().port())
                .containsExactly(4001);
        assertThat(store.load(clock.instant())).extracting(r -> r.url().port()).containsExactly(4001);
    }
}
