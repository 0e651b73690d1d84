package dev.loopgate.routing;

import dev.loopgate.config.BackendUrl;
import java.time.Instant;

/**
 * One backend as the registry knows it.
 *
 * @param id the registered id, or {@code host:port} for file backends
 * @param source {@code file}, {@code api} or {@code docker}
 * @param leaseExpiresAt when an unrenewed registration disappears; {@code null} for none
 */
public record BackendEntry(String id, BackendUrl url, String source, Instant leaseExpiresAt) {}
