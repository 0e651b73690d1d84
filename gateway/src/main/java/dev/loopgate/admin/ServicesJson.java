package dev.loopgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.Json;
import dev.loopgate.config.ServiceConfig;
import dev.loopgate.health.BackendState;
import dev.loopgate.health.BackendStates;
import dev.loopgate.process.ProcessStatus;
import dev.loopgate.process.Supervisor;
import dev.loopgate.routing.BackendEntry;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.ServiceEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/services}: every service with its URLs and backends, as PRODUCT.md names the fields. */
final class ServicesJson {
    private ServicesJson() {}

    static ObjectNode of(RouteTable table, int port, int httpsPort, BackendStates health, Leases leases) {
        return of(table, port, httpsPort, health, true, leases);
    }

    /** When an API backend's lease runs out: kept by the registry, since a renewal builds no new route table. */
    interface Leases {
        Instant expiry(String service, String id);
    }

    /**
     * @param withCheckTimes whether to include {@code last_check}, which changes with every probe; without it the
     *     result changes only when something a person would notice does
     */
    static ObjectNode of(
            RouteTable table, int port, int httpsPort, BackendStates health, boolean withCheckTimes, Leases leases) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode list = root.putArray("services");
        Map<String, List<String>> urls = table.urls(port, httpsPort);
        for (ServiceEntry e : table.services().values()) {
            ServiceConfig s = e.config();
            ObjectNode n = list.addObject();
            n.put("name", s.name());
            s.hosts().forEach(n.putArray("hosts")::add);
            s.paths().forEach(n.putArray("paths")::add);
            n.put("strip_prefix", s.stripPrefix());
            n.put("source", e.source());
            urls.get(s.name()).forEach(n.putArray("urls")::add);
            ArrayNode backends = n.putArray("backends");
            for (BackendEntry b : e.backends()) {
                ObjectNode bn = backends.addObject();
                bn.put("id", b.id());
                bn.put("url", b.url().toString());
                bn.put("source", b.source());
                BackendState h = health.of(s.name(), b.id());
                bn.put("health", h.status().label());
                if (h.lastCheck() == null || !withCheckTimes) {
                    bn.putNull("last_check");
                } else {
                    bn.put("last_check", h.lastCheck().toString());
                }
                if (h.lastError() == null) {
                    bn.putNull("last_error");
                } else {
                    bn.put("last_error", h.lastError());
                }
                if (h.latencyMicros() >= 0 && withCheckTimes) {
                    bn.put("latency_ms", h.latencyMicros() / 1000.0);
                }
                Instant lease = b.source().equals("api") ? leases.expiry(s.name(), b.id()) : b.leaseExpiresAt();
                if (lease == null) {
                    bn.putNull("lease_expires_at");
                } else {
                    bn.put("lease_expires_at", lease.toString());
                }
            }
        }
        return root;
    }

    /** Adds {@code process} to each service whose command loopgate runs (PRODUCT.md "On-demand services"). */
    static ObjectNode withProcesses(ObjectNode root, Supervisor processes) {
        if (processes == null) {
            return root;
        }
        for (var node : root.get("services")) {
            ProcessStatus st = processes.status(node.get("name").asText());
            if (st != null) {
                ProcessJson.put(((ObjectNode) node).putObject("process"), st);
            }
        }
        return root;
    }

    /** Adds what is configured but not routed, one line each (an empty list when everything is). */
    static ObjectNode withNotices(ObjectNode root, List<String> notices) {
        notices.forEach(root.putArray("notices")::add);
        return root;
    }

    /** Adds each service's last-minute request figures under {@code stats} (zeros for a quiet service). */
    static ObjectNode withStats(ObjectNode root, Map<String, ServiceStats> stats) {
        for (var node : root.get("services")) {
            ServiceStats s = stats.get(node.get("name").asText());
            ObjectNode n = ((ObjectNode) node).putObject("stats");
            n.put("requests", s == null ? 0 : s.requests());
            n.put("per_second", s == null ? 0 : Math.round(s.perSecond() * 100) / 100.0);
            n.put("error_ratio", s == null ? 0 : Math.round(s.errorRatio() * 1000) / 1000.0);
            if (s == null) {
                n.putNull("p95_ms");
            } else {
                n.put("p95_ms", s.p95Millis());
            }
        }
        return root;
    }
}
