package dev.loopgate.proxy;

import dev.loopgate.routing.HostNames;
import dev.loopgate.routing.Route;
import dev.loopgate.routing.RouteTable;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The admin host's event stream {@code /api/v1/events?service=NAME}: one {@code up} event when a backend of the
 * service is up, and meanwhile an {@code output} event for each line a command loopgate runs for it writes. Pages served on local names (the "it is not up yet" page of {@code web.localhost}) may read it
 * across origins; foreign origins get 403 and no CORS headers.
 */
final class AdminEvents {
    static final String PATH = "/api/v1/events";

    private AdminEvents() {}

    /** Either what to stream (the service's route, and the origin to allow) or the problem to answer instead. */
    record Decision(Route route, String service, String allowOrigin, Problem problem, long outputAfter) {
        Decision(Route route, String service, String allowOrigin, Problem problem) {
            this(route, service, allowOrigin, problem, -1);
        }
    }

    static Decision decide(HttpRequest req, RouteTable table) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !isLocalOrigin(origin, table)) {
            return new Decision(
                    null,
                    null,
                    null,
                    Problem.of(HttpResponseStatus.FORBIDDEN, "requests from other origins are not allowed"));
        }
        List<String> service = q.parameters().get("service");
        if (!q.path().equals(PATH) || service == null || service.size() != 1) {
            return new Decision(
                    null, null, null, Problem.of(HttpResponseStatus.BAD_REQUEST, "use " + PATH + "?service=NAME"));
        }
        Route route = table.routeFor(service.get(0));
        if (route == null) {
            return new Decision(
                    null,
                    null,
                    null,
                    Problem.of(HttpResponseStatus.NOT_FOUND, "no service '" + service.get(0) + "' is routed"));
        }
        return new Decision(route, service.get(0), origin, null, outputAfter(q));
    }

    /** {@code after=SEQ}: the page showed the command's output up to that line; -1 (only new lines) without it. */
    private static long outputAfter(QueryStringDecoder q) {
        List<String> after = q.parameters().get("after");
        try {
            return after == null || after.size() != 1 ? -1 : Math.max(-1, Long.parseLong(after.get(0)));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isLocalOrigin(String origin, RouteTable table) {
        try {
            URI uri = new URI(origin.trim());
            String host = HostNames.normalize(uri.getHost() == null ? "" : uri.getHost());
            return "http".equalsIgnoreCase(uri.getScheme()) && host != null && table.serves(host);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    static HttpResponse head(Decision d) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        if (d.allowOrigin() != null) {
            res.headers()
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, d.allowOrigin())
                    .set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
        return res;
    }

    static HttpContent waiting(Decision d, ByteBufAllocator alloc) {
        return new DefaultHttpContent(text(alloc, ": waiting for " + d.service() + "\n\n"));
    }

    static LastHttpContent up(Decision d, ByteBufAllocator alloc) {
        return new DefaultLastHttpContent(text(alloc, "event: up\ndata: " + d.service() + "\n\n"));
    }

    /** One line a command wrote (lines never hold a line break: the output pump splits on them). */
    static HttpContent output(String line, ByteBufAllocator alloc) {
        return new DefaultHttpContent(text(alloc, "event: output\ndata: " + line + "\n\n"));
    }

    private static io.netty.buffer.ByteBuf text(ByteBufAllocator alloc, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }
}
