package dev.loopgate.proxy;

import java.util.List;
import java.util.Map;

/**
 * One finished exchange, as metrics and the request inspector see it.
 *
 * @param service the service name, {@code admin} for the admin host, {@code none} when nothing was routed
 * @param status the response status, 0 when the exchange broke before one was sent
 * @param connectNanos start to backend connection ready, -1 when no backend was connected
 * @param firstByteNanos start to the backend's response head, -1 when none arrived
 * @param requestHeaders the headers as the client sent them; empty when not captured
 * @param responseHeaders the headers as the client received them; empty when not captured
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
        List<Map.Entry<String, String>> requestHeaders,
        List<Map.Entry<String, String>> responseHeaders) {}
