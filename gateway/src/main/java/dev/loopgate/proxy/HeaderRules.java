package dev.loopgate.proxy;

import dev.loopgate.config.Cidr;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The header rewrites of an HTTP intermediary (RFC 9110 §7.6): hop-by-hop removal, Via, and forwarding headers. */
final class HeaderRules {
    static final String PSEUDONYM = "loopgate";

    private static final List<CharSequence> HOP_BY_HOP = List.of(
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.PROXY_AUTHORIZATION);

    /**
     * Fields a request trailer may not carry (RFC 9110 §6.5.1: framing, routing, request modifiers, authentication,
     * and content metadata), plus the ones loopgate itself sets: a backend that merges trailers into the header
     * section must not find a second Host or X-Forwarded-For there.
     */
    private static final java.util.Set<String> NOT_IN_TRAILERS = java.util.Set.of(
            "transfer-encoding",
            "content-length",
            "host",
            "authorization",
            "proxy-authorization",
            "cookie",
            "cache-control",
            "expect",
            "max-forwards",
            "pragma",
            "range",
            "te",
            "trailer",
            "connection",
            "keep-alive",
            "proxy-connection",
            "upgrade",
            "content-encoding",
            "content-type",
            "content-range",
            "if-match",
            "if-none-match",
            "if-modified-since",
            "if-unmodified-since",
            "if-range",
            "via",
            "forwarded",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-proto",
            "x-forwarded-port");

    private HeaderRules() {}

    /** Drops from a request's trailer section the fields that must not be there or that loopgate controls. */
    static void filterRequestTrailers(HttpHeaders trailers) {
        if (trailers.isEmpty()) {
            return;
        }
        List<String> drop = new ArrayList<>();
        for (String name : trailers.names()) {
            if (NOT_IN_TRAILERS.contains(name.toLowerCase(Locale.ROOT))) {
                drop.add(name);
            }
        }
        drop.forEach(trailers::remove);
    }

    /** Whether the request asks to switch to WebSocket, the only upgrade loopgate tunnels. */
    static boolean isWebSocketUpgrade(HttpRequest req) {
        return req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && connectionTokens(req.headers()).contains("upgrade");
    }

    /** Whether the response accepts a WebSocket upgrade. */
    static boolean isWebSocketAccept(HttpResponse res) {
        return res.status().code() == 101
                && res.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /**
     * Rewrites a client request in place for the backend: origin-form target, HTTP/1.1, hop-by-hop headers removed,
     * framing re-stated, Via appended, and X-Forwarded-* / Forwarded set (kept and extended only for trusted proxies).
     */
    static void prepareRequest(HttpRequest req, Forwarding f) {
        HttpHeaders h = req.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(req);
        boolean webSocket = isWebSocketUpgrade(req);
        String upgrade = h.get(HttpHeaderNames.UPGRADE);
        HttpVersion received = req.protocolVersion();
        removeHopByHop(h);
        if (webSocket) {
            h.set(HttpHeaderNames.UPGRADE, upgrade);
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        if (chunked) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
        req.setUri(f.target());
        if (f.absoluteFormAuthority() != null) {
            h.set(HttpHeaderNames.HOST, f.absoluteFormAuthority());
        }
        h.add(HttpHeaderNames.VIA, received.majorVersion() + "." + received.minorVersion() + " " + PSEUDONYM);
        setForwarded(h, f);
    }

    /** Rewrites a backend response in place for the client: hop-by-hop removed (Upgrade kept on a 101), Via added. */
    static void prepareResponse(HttpResponse res, boolean keepUpgrade) {
        HttpHeaders h = res.headers();
        String upgrade = h.get(HttpHeaderNames.UPGRADE);
        removeHopByHop(h);
        if (keepUpgrade) {
            h.set(HttpHeaderNames.UPGRADE, upgrade);
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        h.add(HttpHeaderNames.VIA, "1.1 " + PSEUDONYM);
    }

    private static void removeHopByHop(HttpHeaders h) {
        for (String token : connectionTokens(h)) {
            // A Connection token must not remove the headers that frame the message or pick the route.
            if (!token.equals("content-length") && !token.equals("host")) {
                h.remove(token);
            }
        }
        for (CharSequence name : HOP_BY_HOP) {
            h.remove(name);
        }
    }

    static List<String> connectionTokens(HttpHeaders h) {
        if (!h.contains(HttpHeaderNames.CONNECTION)) {
            return List.of();
        }
        List<String> out = new ArrayList<>(2);
        for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    private static void setForwarded(HttpHeaders h, Forwarding f) {
        InetSocketAddress client = f.client();
        String ip = client.getAddress().getHostAddress();
        int zone = ip.indexOf('%');
        if (zone >= 0) {
            ip = ip.substring(0, zone);
        }
        boolean trusted = f.trusted();
        String xff = trusted ? h.get("X-Forwarded-For") : null;
        h.set("X-Forwarded-For", xff == null ? ip : xff + ", " + ip);
        if (!trusted || !h.contains("X-Forwarded-Proto")) {
            h.set("X-Forwarded-Proto", f.scheme());
        }
        if ((!trusted || !h.contains("X-Forwarded-Host")) && f.originalHost() != null) {
            h.set("X-Forwarded-Host", f.originalHost());
        }
        if (!trusted || !h.contains("X-Forwarded-Port")) {
            h.set("X-Forwarded-Port", Integer.toString(f.gatewayPort()));
        }
        String forFor = client.getAddress() instanceof Inet6Address ? "\"[" + ip + "]\"" : ip;
        StringBuilder element = new StringBuilder("for=").append(forFor);
        if (f.originalHost() != null) {
            element.append(";host=").append(quoteIfNeeded(f.originalHost()));
        }
        element.append(";proto=").append(f.scheme());
        String existing = trusted ? h.get("Forwarded") : null;
        h.set("Forwarded", existing == null ? element.toString() : existing + ", " + element);
    }

    private static String quoteIfNeeded(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
                return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
        }
        return value;
    }

    /** What the forwarding headers say about one request. */
    record Forwarding(
            InetSocketAddress client,
            boolean trusted,
            String originalHost,
            int gatewayPort,
            String target,
            String absoluteFormAuthority,
            String scheme) {
        static boolean isTrusted(InetSocketAddress client, List<Cidr> trustedProxies) {
            for (Cidr c : trustedProxies) {
                if (c.contains(client.getAddress())) {
                    return true;
                }
            }
            return false;
        }
    }
}
