package dev.loopgate.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * One finished exchange, as metrics and the request inspector see it.
 *
 * @param service the service name, {@code admin} for the admin host, {@code none} when nothing was routed
 * @param status the response status, 0 when the exchange broke before one was sent
 * @param connectNanos start to backend connection ready, -1 when no backend was connected
 * @param firstByteNanos start to the backend's response head, -1 when none arrived
 * @param requestHeaders the request headers as the client sent them, one {@code Name: value} line each in a single
 *     string, credentials already redacted: one small object per exchange, because what the inspector keeps alive
 *     is copied by every young collection (Netty's header objects made those pauses ten times longer)
 * @param responseHeaders the response headers as the client received them, likewise
 */
public record ExchangeRecord(
        long startMillis,
        String client,
        String method,
        String host,
        String path,
        String service,
        String backend,
        int status,
        long durationNanos,
        long connectNanos,
        long firstByteNanos,
        long bytesIn,
        long bytesOut,
        boolean aborted,
        String requestHeaders,
        String responseHeaders) {

    static final String NONE = "";

    private static final java.util.Set<String> CREDENTIALS =
            java.util.Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");

    /** Headers as {@code Name: value} lines, credential values replaced (cookie names and auth schemes stay). */
    static String capture(HttpHeaders headers) {
        StringBuilder out = new StringBuilder(headers.size() * 32);
        for (Map.Entry<String, String> e : headers) {
            String name = e.getKey();
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            out.append(name)
                    .append(": ")
                    .append(CREDENTIALS.contains(lower) ? redact(lower, e.getValue()) : e.getValue())
                    .append('\n');
        }
        return out.toString();
    }

    /** Captured headers as {@code (name, value)} pairs. */
    public static List<Map.Entry<String, String>> pairs(String headers) {
        List<Map.Entry<String, String>> out = new java.util.ArrayList<>();
        for (String line : headers.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                out.add(Map.entry(line.substring(0, colon), line.substring(colon + 2)));
            }
        }
        return out;
    }

    private static String redact(String name, String value) {
        if (name.equals("cookie")) {
            StringBuilder b = new StringBuilder();
            for (String part : value.split(";")) {
                int eq = part.indexOf('=');
                b.append(b.length() == 0 ? "" : "; ")
                        .append(eq < 0 ? part.trim() : part.substring(0, eq).trim() + "=[redacted]");
            }
            return b.toString();
        }
        if (name.equals("set-cookie")) {
            return value.substring(0, Math.max(0, value.indexOf('=') + 1)) + "[redacted]";
        }
        int space = value.indexOf(' ');
        return space > 0 ? value.substring(0, space) + " [redacted]" : "[redacted]";
    }
}
