package dev.loopgate.admin;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's files, served from the jar: plain HTML, CSS and JavaScript with no build step and nothing loaded
 * from elsewhere, which the Content-Security-Policy enforces.
 */
final class DashboardAssets {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "/", "text/html; charset=utf-8",
            "/dashboard.js", "text/javascript; charset=utf-8",
            "/dashboard.css", "text/css; charset=utf-8",
            "/favicon.svg", "image/svg+xml");

    private final Map<String, byte[]> files;

    DashboardAssets() {
        this.files = Map.of(
                "/", load("index.html"),
                "/dashboard.js", load("dashboard.js"),
                "/dashboard.css", load("dashboard.css"),
                "/favicon.svg", load("favicon.svg"));
    }

    boolean serves(String path) {
        return files.containsKey(path);
    }

    FullHttpResponse get(String path, ByteBufAllocator alloc) {
        FullHttpResponse res = Responses.bytes(alloc, HttpResponseStatus.OK, files.get(path), TYPES.get(path));
        res.headers()
                .set("Content-Security-Policy", CSP)
                .set("Referrer-Policy", "no-referrer")
                .set("X-Frame-Options", "DENY");
        if (!path.equals("/")) {
            res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        }
        return res;
    }

    private static byte[] load(String name) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
