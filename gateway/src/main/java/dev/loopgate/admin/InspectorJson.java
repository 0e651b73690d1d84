package dev.loopgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.Json;
import dev.loopgate.inspector.Inspector;
import dev.loopgate.proxy.ExchangeRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The request inspector's entries as the API shows them. */
final class InspectorJson {
    private InspectorJson() {}

    static ObjectNode list(List<Inspector.Entry> entries) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode list = root.putArray("requests");
        entries.forEach(e -> list.add(summary(e)));
        return root;
    }

    static ObjectNode summary(Inspector.Entry e) {
        ExchangeRecord r = e.exchange();
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", e.id());
        n.put("time", Instant.ofEpochMilli(r.startMillis()).toString());
        n.put("client", r.client());
        n.put("method", r.method());
        n.put("host", r.host());
        n.put("path", r.path());
        n.put("protocol", r.protocol());
        n.put("tls", r.tls());
        n.put("service", r.service());
        n.put("backend", r.backend());
        n.put("status", r.status());
        n.put("duration_ms", millis(r.durationNanos()));
        putMillis(n, "connect_ms", r.connectNanos());
        putMillis(n, "ttfb_ms", r.firstByteNanos());
        n.put("bytes_in", r.bytesIn());
        n.put("bytes_out", r.bytesOut());
        n.put("aborted", r.aborted());
        return n;
    }

    static ObjectNode detail(Inspector.Entry e) {
        ObjectNode n = summary(e);
        headers(n.putArray("request_headers"), ExchangeRecord.pairs(e.exchange().requestHeaders()));
        headers(
                n.putArray("response_headers"),
                ExchangeRecord.pairs(e.exchange().responseHeaders()));
        return n;
    }

    private static void headers(ArrayNode into, List<Map.Entry<String, String>> headers) {
        for (Map.Entry<String, String> h : headers) {
            into.addArray().add(h.getKey()).add(h.getValue());
        }
    }

    private static void putMillis(ObjectNode n, String field, long nanos) {
        if (nanos < 0) {
            n.putNull(field);
        } else {
            n.put(field, millis(nanos));
        }
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1000.0) / 1000.0;
    }
}
