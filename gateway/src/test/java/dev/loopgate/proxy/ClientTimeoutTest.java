package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.RawClient;
import dev.loopgate.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientTimeoutTest {
    private TestBackend backend;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.http(TestBackend.text("ok"));
        gateway = GatewayFixture.start(
                """
                services:
                  web: http://127.0.0.1:%d
                timeouts:
                  client_headers: 300ms
                  keep_alive: 300ms
                """
                        .formatted(backend.port()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void aClientThatNeverFinishesItsHeadersGets408AndIsClosed() throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET / HTTP/1.1\r\nHost: web.lo");
            String res = c.readUntilClosed();
            assertThat(res).startsWith("HTTP/1.1 408 Request Timeout").contains("connection: close");
        }
        assertThat(backend.requests).isEmpty();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedQuietly() throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            String all = c.readUntilClosed();
            assertThat(all).startsWith("HTTP/1.1 200").endsWith("ok").doesNotContain("408");
        }
    }
}
