package dev.loopgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.ServiceConfig;
import dev.loopgate.proxy.AdminRequests;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.Routes;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The admin host: {@code /healthz}, the read-only service list at {@code /api/v1/services}, and an overview page.
 * Reads need no token, but a request that carries a foreign {@code Origin} is refused so that other web pages cannot
 * read it (HTTP-BAR "Localhost security").
 */
public final class AdminHandler implements AdminRequests {

    private final Routes routes;

    public AdminHandler(Routes routes) {
        this.routes = routes;
    }

    @Override
    public FullHttpResponse handle(HttpRequest request, int gatewayPort, ByteBufAllocator alloc) {
        RouteTable table = routes.current();
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !Origins.isLocal(origin, table.config().adminHost())) {
            return json(alloc, HttpResponseStatus.FORBIDDEN, error("requests from other origins are not allowed", "Origin"));
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean read = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
        if (!read) {
            return json(alloc, HttpResponseStatus.METHOD_NOT_ALLOWED, error("only GET is supported here", null));
        }
        return switch (path) {
            case "/healthz" -> text(alloc, HttpResponseStatus.OK, "ok\n", "text/plain; charset=utf-8");
            case "/api/v1/services" -> json(alloc, HttpResponseStatus.OK, services(table, gatewayPort));
            case "/" -> text(alloc, HttpResponseStatus.OK, OverviewPage.render(table, gatewayPort), "text/html; charset=utf-8");
            default -> json(alloc, HttpResponseStatus.NOT_FOUND, error("no admin endpoint " + path, null));
        };
    }

    static ObjectNode services(RouteTable table, int port) {
        ObjectNode root = dev.loopgate.Json.mapper().createObjectNode();
        ArrayNode list = root.putArray("services");
        Map<String, List<String>> urls = table.urls(port);
        for (ServiceConfig s : table.services().values()) {
            ObjectNode n = list.addObject();
            n.put("name", s.name());
            s.hosts().forEach(n.putArray("hosts")::add);
            s.paths().forEach(n.putArray("paths")::add);
            n.put("strip_prefix", s.stripPrefix());
            n.put("source", "file");
            urls.get(s.name()).forEach(n.putArray("urls")::add);
            ArrayNode backends = n.putArray("backends");
            for (BackendUrl b : s.backends()) {
                ObjectNode bn = backends.addObject();
                bn.put("id", b.id());
                bn.put("url", b.toString());
                bn.put("source", "file");
                bn.put("health", "unknown");
                bn.putNull("last_check");
                bn.putNull("last_error");
                bn.putNull("lease_expires_at");
            }
        }
        return root;
    }

    private static ObjectNode error(String message, String field) {
        ObjectNode n = dev.loopgate.Json.mapper().createObjectNode();
        n.put("error", message);
        if (field != null) {
            n.put("field", field);
        }
        return n;
    }

    private static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, ObjectNode body) {
        return text(alloc, status, body.toString() + "\n", "application/json");
    }

    private static FullHttpResponse text(ByteBufAllocator alloc, HttpResponseStatus status, String body, String type) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                alloc.buffer(bytes.length).writeBytes(bytes));
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff");
        return res;
    }
}
