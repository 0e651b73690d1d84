package dev.loopgate.proxy;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;

/**
 * What a request must satisfy before anything routes it (RFC 9110, RFC 9112). Every rejection closes the client
 * connection, because after a framing error the next request's start cannot be trusted.
 */
final class RequestRules {
    /** A request that already passed this many loopgate hops is in a loop (a backend pointing back at us). */
    static final int MAX_HOPS = 5;
    /** RFC 5842 §7.2; Netty has no constant for it. */
    static final HttpResponseStatus LOOP_DETECTED = new HttpResponseStatus(508, "Loop Detected");

    private RequestRules() {}

    record Rejection(HttpResponseStatus status, String reason) {}

    static Rejection check(HttpRequest req) {
        DecoderResult result = req.decoderResult();
        if (result.isFailure()) {
            return decoderFailure(result.cause());
        }
        HttpVersion v = req.protocolVersion();
        if (v.majorVersion() != 1 || v.minorVersion() > 1) {
            return new Rejection(
                    HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "HTTP/" + v.majorVersion() + "." + v.minorVersion()
                            + " is not supported on this port; use HTTP/1.1");
        }
        if (HttpMethod.CONNECT.equals(req.method())) {
            return new Rejection(
                    HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not supported: loopgate is not an open proxy");
        }
        Rejection host = checkHost(req);
        if (host != null) {
            return host;
        }
        Rejection te = checkTransferEncoding(req);
        if (te != null) {
            return te;
        }
        if (RequestTarget.parse(req.uri()) == null && !isAsteriskOptions(req)) {
            return new Rejection(
                    HttpResponseStatus.BAD_REQUEST,
                    "the request target must be a path such as /index.html or an http:// URL");
        }
        if (countOwnHops(req) >= MAX_HOPS) {
            return new Rejection(
                    LOOP_DETECTED,
                    "this request has passed loopgate " + MAX_HOPS
                            + " times: a backend URL probably points back at the gateway");
        }
        return null;
    }

    /** Methods whose request may be sent twice with the effect of once (RFC 9110 §9.2.2): safe to replay. */
    static boolean isIdempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET)
                || m.equals(HttpMethod.HEAD)
                || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.PUT)
                || m.equals(HttpMethod.DELETE)
                || m.equals(HttpMethod.TRACE);
    }

    static boolean isAsteriskOptions(HttpRequest req) {
        return HttpMethod.OPTIONS.equals(req.method()) && req.uri().equals("*");
    }

    private static Rejection decoderFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "the request line is too long");
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return new Rejection(
                    HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "the request headers are too large (many cookies for localhost? clear some, or raise limits.headers)");
        }
        String detail = cause == null || cause.getMessage() == null ? "malformed request" : cause.getMessage();
        return new Rejection(HttpResponseStatus.BAD_REQUEST, "malformed request: " + detail);
    }

    /** RFC 9112 §3.2: exactly one Host in HTTP/1.1; never more than one in any version. */
    private static Rejection checkHost(HttpRequest req) {
        List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "more than one Host header");
        }
        if (hosts.isEmpty() && req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "HTTP/1.1 requests need a Host header");
        }
        return null;
    }

    /**
     * Only {@code chunked} alone is forwarded: other codings are not implemented (501, RFC 9112 §6.1) and anything
     * malformed is a 400. Netty already rejects TE in HTTP/1.0, TE with Content-Length, and a non-final chunked.
     */
    private static Rejection checkTransferEncoding(HttpRequest req) {
        List<String> values = req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() == 1 && values.get(0).trim().equalsIgnoreCase("chunked")) {
            return null;
        }
        for (String v : values) {
            for (String coding : v.split(",", -1)) {
                if (!coding.trim().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                    return new Rejection(HttpResponseStatus.BAD_REQUEST, "malformed Transfer-Encoding: " + values);
                }
            }
        }
        return new Rejection(
                HttpResponseStatus.NOT_IMPLEMENTED,
                "Transfer-Encoding " + values + " is not supported; send chunked alone");
    }

    private static int countOwnHops(HttpRequest req) {
        int hops = 0;
        for (String via : req.headers().getAll(HttpHeaderNames.VIA)) {
            for (String entry : via.split(",")) {
                String e = entry.trim();
                int space = e.indexOf(' ');
                if (space > 0 && e.substring(space + 1).trim().startsWith(HeaderRules.PSEUDONYM)) {
                    hops++;
                }
            }
        }
        return hops;
    }
}
