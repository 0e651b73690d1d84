package dev.loopgate.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.Json;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The admin host's complete responses: JSON, text, bytes and "no content", never cached. */
final class Responses {
    static final String JSON = "application/json";

    private Responses() {}

    static ObjectNode error(String message, String field) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("error", message);
        if (field != null) {
            n.put("field", field);
        }
        return n;
    }

    static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, ObjectNode body) {
        return text(alloc, status, body.toString() + "\n", JSON);
    }

    static FullHttpResponse text(ByteBufAllocator alloc, HttpResponseStatus status, String body, String type) {
        return bytes(alloc, status, body.getBytes(StandardCharsets.UTF_8), type);
    }

    static FullHttpResponse bytes(ByteBufAllocator alloc, HttpResponseStatus status, byte[] body, String type) {
        FullHttpResponse res = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, alloc.buffer(body.length).writeBytes(body));
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff");
        return res;
    }

    static FullHttpResponse empty(ByteBufAllocator alloc, HttpResponseStatus status) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, alloc.buffer(0));
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (status.code() != 204) {
            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        return res;
    }
}
