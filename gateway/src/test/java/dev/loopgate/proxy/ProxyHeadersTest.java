package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.RawClient;
import dev.loopgate.testing.TestBackend;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {
    private TestBackend backend;
    private GatewayFixture gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backend.close();
    }

    private void start(String extra) throws Exception {
        backend = TestBackend.http((ctx, req) -> {
            DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            res.headers()
                    .set("Content-Length", 0)
                    .set("Connection", "keep-alive, X-Secret")
                    .set("X-Secret", "hop")
                    .set("Keep-Alive", "timeout=5")
                    .set("Proxy-Authenticate", "Basic")
                    .set("X-End-To-End", "kept");
            ctx.writeAndFlush(res);
        });
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + backend.port() + "\n" + extra);
    }

    private HttpHeaders sendRaw(String headers) throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET /p HTTP/1.1\r\nHost: web.localhost:" + gateway.port() + "\r\n" + headers + "\r\n");
            String res = c.readResponse();
            assertThat(res).startsWith("HTTP/1.1 200");
            assertThat(res.toLowerCase())
                    .doesNotContain("x-secret")
                    .doesNotContain("keep-alive: timeout")
                    .doesNotContain("proxy-authenticate")
                    .contains("x-end-to-end: kept")
                    .contains("via: 1.1 loopgate");
        }
        return backend.lastRequest().headers();
    }

    @Test
    void hopByHopHeadersAreRemovedInBothDirectionsAndViaIsAdded() throws Exception {
        start("");
        HttpHeaders seen = sendRaw("Connection: keep-alive, X-Drop-Me\r\nX-Drop-Me: 1\r\nKeep-Alive: 300\r\n"
                + "Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-T\r\nUpgrade: h2c\r\n"
                + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\nX-Keep: yes\r\n");
        assertThat(seen.contains("X-Drop-Me")).isFalse();
        for (String h :
                new String[] {"Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Proxy-Authorization"}) {
            assertThat(seen.contains(h)).as(h).isFalse();
        }
        assertThat(seen.get("Connection")).isNull();
        assertThat(seen.get("X-Keep")).isEqualTo("yes");
        assertThat(seen.get("Via")).isEqualTo("1.1 loopgate");
        assertThat(seen.get("Host")).isEqualTo("web.localhost:" + gateway.port());
    }

    @Test
    void forwardedHeadersFromAnUntrustedClientAreReplaced() throws Exception {
        start("");
        HttpHeaders seen = sendRaw("X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil\r\n"
                + "X-Forwarded-Port: 1\r\nForwarded: for=6.6.6.6\r\n");
        assertThat(seen.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(seen.get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen.get("X-Forwarded-Host")).isEqualTo("web.localhost:" + gateway.port());
        assertThat(seen.get("X-Forwarded-Port")).isEqualTo(String.valueOf(gateway.port()));
        assertThat(seen.get("Forwarded"))
                .isEqualTo("for=127.0.0.1;host=\"web.localhost:" + gateway.port() + "\";proto=http");
    }

    @Test
    void forwardedHeadersFromATrustedProxyAreExtended() throws Exception {
        start("trusted_proxies: [127.0.0.1]\n");
        HttpHeaders seen = sendRaw("X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\n"
                + "Forwarded: for=203.0.113.9;proto=https\r\n");
        assertThat(seen.get("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(seen.get("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(seen.get("Forwarded")).startsWith("for=203.0.113.9;proto=https, for=127.0.0.1;");
    }

    @Test
    void aRequestLoopingThroughTheGatewayIsStoppedWith508() throws Exception {
        start("");
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET / HTTP/1.1\r\nHost: web.localhost\r\nVia: 1.1 loopgate, 1.1 loopgate, 1.1 loopgate,"
                    + " 1.1 loopgate, 1.1 loopgate\r\n\r\n");
            assertThat(c.readUntilClosed()).startsWith("HTTP/1.1 508 Loop Detected");
        }
        assertThat(backend.requests).isEmpty();
    }
}
