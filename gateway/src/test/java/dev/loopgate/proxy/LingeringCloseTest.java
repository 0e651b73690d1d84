package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client still sending a body loopgate refused gets the refusal: the connection is half-closed and what still
 * arrives is read and dropped, instead of a close that makes the kernel reset the connection — and with it, often,
 * the response the client has not read yet.
 */
class LingeringCloseTest {
    private GatewayFixture gateway;

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aClientThatSendsItsWholeBodyBeforeReadingGetsThe413() throws Exception {
        // As the JDK's HttpClient does: it reads the answer only after the body is out. Had the gateway closed with
        // the body's rest unread, the kernel would have reset the connection and this write would fail.
        gateway = GatewayFixture.start("services: {}\n");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
            s.setSoTimeout(10_000);
            byte[] body = new byte[8 * 1024 * 1024];
            java.util.Arrays.fill(body, (byte) 'a');
            OutputStream out = s.getOutputStream();
            out.write(("PUT /api/v1/services/api/backends/a HTTP/1.1\r\nHost: loopgate.localhost\r\n"
                            + "Authorization: Bearer " + GatewayFixture.TOKEN + "\r\nContent-Length: " + body.length
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(status).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
        }
    }

    @Test
    void aClientStillSendingATooLargeBodyReadsThe413() throws Exception {
        gateway = GatewayFixture.start("services: {}\n");
        byte[] body = new byte[4 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) 'a');
        for (int attempt = 0; attempt < 5; attempt++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("PUT /api/v1/services/api/backends/a HTTP/1.1\r\nHost: loopgate.localhost\r\n"
                                + "Authorization: Bearer " + GatewayFixture.TOKEN
                                + "\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                // The whole body goes out while the answer comes back, as curl and browsers send it.
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                    try {
                        out.write(body);
                        out.flush();
                    } catch (java.io.IOException e) {
                        // the gateway may stop reading once it lingered long enough; the answer is what counts
                    }
                });
                String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                assertThat(status).as("attempt " + attempt).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
                sending.get();
            }
        }
    }
}
