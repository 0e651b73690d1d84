package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.RawClient;
import dev.loopgate.testing.StreamingHandler;
import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamingTest {
    private final AtomicLong written = new AtomicLong();
    private final BlockingQueue<String> events = StreamingHandler.newEventQueue();
    private TestBackend streams;
    private TestBackend sockets;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        streams = TestBackend.raw(
                "127.0.0.1", p -> p.addLast(new HttpServerCodec(), new StreamingHandler(written, events)));
        sockets = TestBackend.webSocketEcho();
        gateway = GatewayFixture.start(
                """
                services:
                  files: http://127.0.0.1:%d
                  ws: http://127.0.0.1:%d
                """
                        .formatted(streams.port(), sockets.port()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        streams.close();
        sockets.close();
    }

    @Test
    void serverSentEventsReachTheClientWhileTheStreamStaysOpen() throws Exception {
        events.add("first");
        HttpResponse<InputStream> res = gateway.client()
                .send(gateway.request("files.localhost", "/events").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.headers().firstValue("content-type")).contains("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("data: first");
            assertThat(lines.readLine()).isEmpty();
            events.add("second");
            assertThat(lines.readLine()).isEqualTo("data: second");
        }
    }

    @Test
    void webSocketMessagesAreTunnelledBothWays() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Host", "ws.localhost:" + gateway.port())
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/ws"), new WebSocket.Listener() {
                    private final StringBuilder message = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        message.append(data);
                        if (last) {
                            received.add(message.toString());
                            message.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo: hello");
        String big = "x".repeat(200_000);
        ws.sendText(big, true).get(5, TimeUnit.SECONDS);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo: " + big);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void aLargeDownloadAndUploadStreamThroughIntact() throws Exception {
        long size = 48L * 1024 * 1024;
        HttpResponse<InputStream> down = gateway.client()
                .send(
                        gateway.request("files.localhost", "/big?n=" + size).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        long total = 0;
        try (InputStream in = down.body()) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
            }
        }
        assertThat(total).isEqualTo(size);

        byte[] chunk = new byte[1 << 20];
        new java.util.Random(7).nextBytes(chunk);
        CRC32 crc = new CRC32();
        for (int i = 0; i < 32; i++) {
            crc.update(chunk);
        }
        HttpResponse<String> up = gateway.client()
                .send(
                        gateway.request("files.localhost", "/upload")
                                .POST(HttpRequest.BodyPublishers.ofByteArrays(java.util.Collections.nCopies(32, chunk)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(up.body()).isEqualTo((32L << 20) + " " + Long.toHexString(crc.getValue()));
    }

    @Test
    void aClientThatStopsReadingStopsTheBackendInsteadOfFillingTheGatewaysMemory() throws Exception {
        long size = 512L * 1024 * 1024;
        try (RawClient c = new RawClient(gateway.port())) {
            c.socket().setReceiveBufferSize(64 * 1024);
            c.send("GET /big?n=" + size + " HTTP/1.1\r\nHost: files.localhost\r\n\r\n");
            assertThat(c.readHead()).startsWith("HTTP/1.1 200");
            // Wait until the backend stops making progress: the gateway no longer reads from it.
            long[] last = {-1};
            Wait.until("the backend to be held back", Duration.ofSeconds(20), () -> {
                long now = written.get();
                boolean stalled = now > 0 && now == last[0];
                last[0] = now;
                if (!stalled) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return stalled;
            });
            assertThat(written.get()).as("bytes the backend got to write").isLessThan(32L * 1024 * 1024);
            InputStream in = c.socket().getInputStream();
            byte[] buf = new byte[1 << 16];
            long readSoFar = 0;
            while (readSoFar < 64L * 1024 * 1024) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                readSoFar += n;
            }
            // Everything read past the stall point was written after it: the backend resumed. (Comparing with a
            // strict "more than 64 MiB" raced with the counter when it stood exactly at what had been read.)
            assertThat(written.get())
                    .as("the backend resumes once the client reads")
                    .isGreaterThanOrEqualTo(readSoFar);
        }
    }

    @Test
    void aCloseDelimitedResponseIsRechunkedForHttp11ClientsAndTheConnectionKept() throws Exception {
        try (TestBackend oldStyle = TestBackend.raw(
                "127.0.0.1",
                p -> p.addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                        io.netty.util.ReferenceCountUtil.release(msg);
                        ctx.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer(
                                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close",
                                        StandardCharsets.US_ASCII))
                                .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                    }
                }))) {
            gateway.reload("services:\n  old: http://127.0.0.1:" + oldStyle.port() + "\n");
            try (RawClient c = new RawClient(gateway.port())) {
                c.send("GET / HTTP/1.1\r\nHost: old.localhost\r\n\r\n");
                String head = c.readHead();
                assertThat(head)
                        .startsWith("HTTP/1.1 200")
                        .contains("transfer-encoding: chunked")
                        .doesNotContain("connection: close");
                InputStream in = c.socket().getInputStream();
                String body =
                        new String(in.readNBytes("b\r\nuntil close\r\n0\r\n\r\n".length()), StandardCharsets.US_ASCII);
                assertThat(body).isEqualTo("b\r\nuntil close\r\n0\r\n\r\n");
            }
        }
    }

    @Test
    /** Without the backend's 101 nothing is tunnelled: the client's handshake fails instead of hanging. */
    void aWebSocketHandshakeTheBackendDoesNotAcceptFails() throws Exception {
        CompletableFuture<WebSocket> ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Host", "ws.localhost")
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/not-ws"), new WebSocket.Listener() {});
        assertThat(ws).failsWithin(Duration.ofSeconds(10));
    }
}
