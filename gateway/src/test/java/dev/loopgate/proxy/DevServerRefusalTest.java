package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.TestBackend;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How loopgate holds back small 403s to look at them, and the moved-port diagnosis. The real Vite and Next.js
 * refusals are tested against those servers in {@code devservers.ViteIT} and {@code devservers.NextJsIT}; here
 * backends of our own answer the shapes that matter for the proxy path (with a length, chunked, long).
 */
class DevServerRefusalTest {
    private static final String VITE = "Blocked request. This host (\"web.localhost\") is not allowed.\n"
            + "To allow this host, add \"web.localhost\" to `server.allowedHosts` in vite.config.js.";

    private TestBackend backend;
    private GatewayFixture gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** A backend answering every request with 403, {@code body} and {@code type}. */
    private void forbidding(String body, String type) throws Exception {
        backend = TestBackend.http((ctx, req) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            var res = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN, Unpooled.wrappedBuffer(bytes));
            res.headers().set("Content-Type", type).set("Content-Length", bytes.length);
            ctx.writeAndFlush(res);
        });
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
    }

    @Test
    void vitesBlockedRequestBecomesAPageWithTheConfigLine() throws Exception {
        forbidding(VITE, "text/plain");
        HttpResponse<String> res = gateway.get("web.localhost", "/", "Accept", "text/html");
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body())
                .contains("Vite refused the host name")
                .contains("allowedHosts: [&#39;web.localhost&#39;]", "vite.config.js");
        HttpResponse<String> plain = gateway.get("web.localhost", "/");
        assertThat(plain.body()).contains("allowedHosts: ['web.localhost']");
        assertThat(gateway.get("web.localhost", "/again").statusCode())
                .as("the backend connection was reused cleanly")
                .isEqualTo(403);
    }

    @Test
    void aLongChunked403IsNotHeldBeyondItsFirstKilobytesAndPassesThroughWhole() throws Exception {
        String body = "x".repeat(3000) + "y".repeat(3000) + "z".repeat(3000);
        backend = TestBackend.http((ctx, req) -> {
            var head = new io.netty.handler.codec.http.DefaultHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN);
            head.headers().set("Content-Type", "text/plain").set("Transfer-Encoding", "chunked");
            ctx.write(head);
            for (int i = 0; i < 3; i++) {
                ctx.write(new io.netty.handler.codec.http.DefaultHttpContent(
                        Unpooled.copiedBuffer(body.substring(i * 3000, (i + 1) * 3000), StandardCharsets.UTF_8)));
            }
            ctx.writeAndFlush(io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT);
        });
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
        HttpResponse<String> res = gateway.get("web.localhost", "/");
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).isEqualTo(body);
        assertThat(gateway.get("web.localhost", "/again").body()).isEqualTo(body);
        assertThat(backend.connections.get())
                .as("the backend connection was reused")
                .isEqualTo(1);
    }

    @Test
    void nextJsRefusingItsDevResourcesIsExplained() throws Exception {
        forbidding("Unauthorized", "text/plain");
        HttpResponse<String> res = gateway.get("web.localhost", "/_next/webpack-hmr", "Accept", "application/json");
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("allowedDevOrigins").contains("web.localhost");
        assertThat(gateway.get("web.localhost", "/account").body())
                .as("the application's own 403 elsewhere passes through")
                .isEqualTo("Unauthorized");
    }

    @Test
    void anApplicationsOwn403PassesThroughUntouched() throws Exception {
        forbidding("{\"error\":\"not your order\"}", "application/json");
        HttpResponse<String> res = gateway.get("web.localhost", "/orders/7");
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).isEqualTo("{\"error\":\"not your order\"}");
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void aDevServerThatMovedToANearbyPortIsFound() throws Exception {
        // The OS hands out listening ports next to busy ones often enough (a neighbour in TIME_WAIT, say) that one
        // try skipped this test in CI runs: a new backend port is tried until one has a free neighbour.
        Integer wanted = null;
        for (int attempt = 0; attempt < 50 && wanted == null; attempt++) {
            if (backend != null) {
                backend.close();
            }
            backend = TestBackend.http(TestBackend.text("moved"));
            wanted = freeNeighbour(backend.port());
        }
        if (wanted == null) {
            throw new org.opentest4j.TestAbortedException("no listening port with a free neighbour in 50 tries");
        }
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + wanted + "\n");
        HttpResponse<String> res = gateway.get("web.localhost", "/");
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(res.body())
                .contains("another port")
                .contains("listens on port " + backend.port())
                .contains("web: " + backend.port());
    }

    /** A free port next to {@code port}, so that {@code port} is the closest listener to it; {@code null}: none. */
    private static Integer freeNeighbour(int port) throws Exception {
        for (int candidate : new int[] {port - 1, port + 1}) {
            try (ServerSocket s = new ServerSocket(candidate, 1, InetAddress.getByName("127.0.0.1"))) {
                return candidate;
            } catch (java.io.IOException e) {
                // taken: try the other side
            }
        }
        return null;
    }
}
