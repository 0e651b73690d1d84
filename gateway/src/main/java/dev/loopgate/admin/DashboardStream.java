package dev.loopgate.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.inspector.Inspector;
import dev.loopgate.proxy.AdminRequests;
import java.time.Clock;
import java.util.List;

/**
 * One dashboard's live feed ({@code GET /api/v1/stream}, server-sent events): {@code services} whenever the routes,
 * health or per-service figures change, {@code requests} with each batch of newly inspected exchanges, and
 * {@code cleared} when someone clears the inspector. The connection calls {@link #next} on its event loop every
 * {@link AdminRequests.Stream#TICK_MILLIS}; an unchanged state sends nothing but an occasional comment, which keeps
 * idle proxies and the browser from timing the stream out.
 */
final class DashboardStream implements AdminRequests.Stream {
    static final int FIRST_REQUESTS = 100;
    private static final int MAX_BATCH = 200;
    private static final int TICKS_PER_KEEPALIVE = 30;

    private final AdminContext admin;
    private final Clock clock;
    private String lastServices;
    private long lastId;
    private long clears;
    private int quietTicks;

    DashboardStream(AdminContext admin, Clock clock) {
        this.admin = admin;
        this.clock = clock;
        Inspector inspector = admin.inspector();
        this.lastId = Math.max(0, inspector.lastId() - FIRST_REQUESTS);
        this.clears = inspector.clears();
    }

    @Override
    public String next(int gatewayPort) {
        StringBuilder out = new StringBuilder();
        Inspector inspector = admin.inspector();
        long c = inspector.clears();
        if (c != clears) {
            clears = c;
            event(out, "cleared", "{}");
        }
        List<Inspector.Entry> fresh = inspector.after(lastId, MAX_BATCH);
        if (!fresh.isEmpty()) {
            lastId = fresh.get(fresh.size() - 1).id();
            event(out, "requests", InspectorJson.list(fresh).toString());
        }
        String services = services(gatewayPort, false).toString();
        if (!services.equals(lastServices)) {
            lastServices = services;
            event(out, "services", services(gatewayPort, true).toString());
        }
        if (out.length() == 0 && ++quietTicks >= TICKS_PER_KEEPALIVE) {
            out.append(": still here\n\n");
        }
        if (out.length() == 0) {
            return null;
        }
        quietTicks = 0;
        return out.toString();
    }

    /** With check times for sending; without them to tell whether anything a person would notice changed. */
    private ObjectNode services(int port, boolean withCheckTimes) {
        ObjectNode root = ServicesJson.withProcesses(
                ServicesJson.of(
                        admin.routes().current(),
                        port,
                        admin.httpsPort(),
                        admin.health(),
                        withCheckTimes,
                        admin.registry()::leaseExpiry),
                admin.processes());
        List<Inspector.Entry> all = admin.inspector().recent(null, null, Integer.MAX_VALUE);
        ServicesJson.withStats(root, ServiceStats.of(all, clock.millis()));
        ServicesJson.withNotices(root, admin.notices().get());
        String configError = admin.configError().get();
        if (configError == null) {
            root.putNull("config_error");
        } else {
            root.put("config_error", configError);
        }
        root.put("config", admin.routes().current().config().source());
        return root;
    }

    private static void event(StringBuilder out, String name, String json) {
        out.append("event: ").append(name).append("\ndata: ").append(json).append("\n\n");
    }
}
