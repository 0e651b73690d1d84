package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.RawClient;
import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeepAliveTest {
    private TestBackend backend;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.http((ctx, req) -> {
            if (req.uri().equals("/no-content")) {
                DefaultFullHttpResponse res =
                        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
                ctx.writeAndFlush(res);
                return;
            }
            TestBackend.send(
                    ctx,
                    req,
                    HttpResponseStatus.OK,
                    req.method() + " " + req.uri() + " " + req.content().readableBytes());
        });
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void manyRequestsReuseFewBackendConnections() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 20; i++) {
                all.add(gateway.client()
                        .sendAsync(
                                gateway.request("web.localhost", "/r" + i).build(),
                                HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                assertThat(f.get().statusCode()).isEqualTo(200);
            }
            all.clear();
        }
        assertThat(backend.requests).hasSize(200);
        assertThat(backend.connections.get()).isLessThanOrEqualTo(40);
        Wait.until(
                "connections parked in the pool",
                Duration.ofSeconds(5),
                () -> gateway.server().idleBackendConnections() == backend.connections.get());
    }

    @Test
    void idlePooledConnectionsAreClosedAfterTheBackendIdleTimeout() throws Exception {
        gateway.reload("services:\n  web: http://127.0.0.1:" + backend.port() + "\ntimeouts:\n  backend_idle: 300ms\n");
        assertThat(gateway.get("web.localhost", "/").statusCode()).isEqualTo(200);
        Wait.until(
                "the connection to be pooled",
                Duration.ofSeconds(5),
                () -> gateway.server().idleBackendConnections() == 1);
        Wait.until(
                "the idle connection to be evicted",
                Duration.ofSeconds(5),
                () -> gateway.server().idleBackendConnections() == 0);
        assertThat(gateway.get("web.localhost", "/").statusCode()).isEqualTo(200);
        assertThat(backend.connections.get()).isEqualTo(2);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET /1 HTTP/1.1\r\nHost: web.localhost\r\n\r\nPOST /2 HTTP/1.1\r\nHost: web.localhost\r\n"
                    + "Content-Length: 3\r\n\r\nabcHEAD /3 HTTP/1.1\r\nHost: web.localhost\r\n\r\n"
                    + "GET /4 HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");
            String all = c.readUntilClosed();
            assertThat(all).containsSubsequence("GET /1 0", "POST /2 3", "HTTP/1.1 200", "GET /4 0");
            assertThat(all).doesNotContain("HEAD /3");
        }
    }

    @Test
    void headResponsesCarryNoBodyAndTheConnectionStaysUsable() throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("HEAD /h HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            String head = c.readHead();
            assertThat(head).startsWith("HTTP/1.1 200").contains("content-length: 9");
            c.send("GET /next HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            assertThat(c.readResponse()).startsWith("HTTP/1.1 200").endsWith("GET /next 0");
        }
    }

    @Test
    void noContentResponsesHaveNoBody() throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send(
                    "GET /no-content HTTP/1.1\r\nHost: web.localhost\r\n\r\nGET /after HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            assertThat(c.readHead()).startsWith("HTTP/1.1 204");
            assertThat(c.readResponse()).startsWith("HTTP/1.1 200").endsWith("GET /after 0");
        }
    }

    @Test
    void http10ClientsGetKeepAliveOnlyWhenTheyAskForIt() throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET /old HTTP/1.0\r\nHost: web.localhost\r\n\r\n");
            String res = c.readUntilClosed();
            assertThat(res).contains("connection: close").endsWith("GET /old 0");
        }
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET /a HTTP/1.0\r\nHost: web.localhost\r\nConnection: keep-alive\r\n\r\n");
            assertThat(c.readResponse()).contains("connection: keep-alive").endsWith("GET /a 0");
            c.send("GET /b HTTP/1.0\r\nHost: web.localhost\r\n\r\n");
            assertThat(c.readUntilClosed()).endsWith("GET /b 0");
        }
        assertThat(backend.lastRequest().headers().get("Via")).isEqualTo("1.0 loopgate");
    }

    @Test
    void postBodiesArriveWhole() throws Exception {
        String body = "x".repeat(300_000);
        HttpResponse<String> res = gateway.client()
                .send(
                        gateway.request("web.localhost", "/upload")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(res.body()).isEqualTo("POST /upload 300000");
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("POST /chunked HTTP/1.1\r\nHost: web.localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            assertThat(c.readResponse()).endsWith("POST /chunked 11");
        }
        assertThat(backend.lastRequest().body()).isEqualTo("hello world");
    }
}
