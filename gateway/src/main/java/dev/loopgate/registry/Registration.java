package dev.loopgate.registry;

import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.HealthConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One backend registered through the API: which service it serves, where it listens, and its lease.
 *
 * @param ttl how long a registration lives unless renewed; {@code null} for one that lives until deregistered
 * @param expiresAt when it expires; {@code null} with no ttl
 */
public record Registration(
        String service,
        String id,
        BackendUrl url,
        List<String> hosts,
        List<String> paths,
        boolean stripPrefix,
        HealthConfig health,
        Duration ttl,
        Instant expiresAt) {

    public Registration {
        hosts = List.copyOf(hosts);
        paths = List.copyOf(paths);
    }

    /** Whether {@code other} routes exactly as this one does: a renewal that only moves the lease. */
    boolean sameRoute(Registration other) {
        return url.equals(other.url)
                && hosts.equals(other.hosts)
                && paths.equals(other.paths)
                && stripPrefix == other.stripPrefix
                && health.equals(other.health)
                && java.util.Objects.equals(ttl, other.ttl);
    }

    boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    Registration renewed(Instant now) {
        return new Registration(
                service, id, url, hosts, paths, stripPrefix, health, ttl, ttl == null ? null : now.plus(ttl));
    }
}
