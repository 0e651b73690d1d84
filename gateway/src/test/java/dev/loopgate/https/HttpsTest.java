package dev.loopgate.https;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loopgate.Gateway;
import dev.loopgate.StateDir;
import dev.loopgate.testing.Local;
import dev.loopgate.testing.NodeTools;
import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Tls;
import dev.loopgate.testing.Wait;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS and HTTP/2 to clients, through a real gateway: curl and the JDK's client over h2 and http/1.1 with only
 * loopgate's root trusted, nghttp for the SETTINGS, and hand-made frames for the floods no client library sends.
 */
class HttpsTest {
    @TempDir
    Path dir;

    private TestBackend backend;
    private TestBackend sse;
    private Gateway gateway;
    private final AtomicReference<ChannelHandlerContext> sseStream = new AtomicReference<>();
    private final CompletableFuture<Void> sseClosed = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.http(TestBackend.text("hello from web"));
        sse = TestBackend.http((ctx, req) -> {
            if (req.uri().equals("/hang")) {
                ctx.channel().closeFuture().addListener(f -> sseClosed.complete(null));
                sseStream.set(ctx);
                return;
            }
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
            ctx.write(head);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: one\n\n", StandardCharsets.UTF_8)));
            sseStream.set(ctx);
        });
        startGateway("");
    }

    private void startGateway(String httpsExtra) throws Exception {
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(
                config,
                """
                https:
                  listen: 127.0.0.1:0
                %s
                services:
                  web: http://127.0.0.1:%d
                  events: http://127.0.0.1:%d
                """
                        .formatted(httpsExtra, backend.port(), sse.port()));
        gateway = Gateway.start(
                new Gateway.Options(config, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.close();
        sse.close();
    }

    private Path root() {
        return Tls.root(dir.resolve("state"));
    }

    private HttpClient client(HttpClient.Version version) throws Exception {
        return HttpClient.newBuilder()
                .version(version)
                .sslContext(Tls.trusting(root()))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A request to {@code https://HOST:PORT/PATH}: the name resolves to loopback as a user's does. */
    private HttpRequest.Builder request(String host, String path) {
        return HttpRequest.newBuilder(URI.create("https://" + host + ":" + gateway.httpsPort() + path))
                .timeout(Duration.ofSeconds(10));
    }

    private String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--cacert", root().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void curlGetsTheServiceOverHttp2AndHttp11TrustingOnlyLoopgatesRoot() throws Exception {
        String url = "https://web.localhost:" + gateway.httpsPort() + "/hi";
        assertThat(curl("--http2", "-w", " %{http_version}", url)).isEqualTo("hello from web 2");
        assertThat(curl("--http1.1", "-w", " %{http_version}", url)).isEqualTo("hello from web 1.1");
        TestBackend.Recorded seen = backend.lastRequest();
        assertThat(seen.uri()).isEqualTo("/hi");
        assertThat(seen.headers().get("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(seen.headers().get("X-Forwarded-Port")).isEqualTo(Integer.toString(gateway.httpsPort()));
        assertThat(seen.headers().get("Forwarded")).endsWith("proto=https");
        assertThat(seen.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-http2"));
    }

    @Test
    void aClientThatDialsTheLoopbackAddressGetsACertificateForItOverH2() throws Exception {
        // No SNI for an address: the certificate names 127.0.0.1 (and the admin host), and it verifies.
        HttpResponse<String> res = client(HttpClient.Version.HTTP_2)
                .send(
                        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.httpsPort() + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.body()).contains("web.localhost");
    }

    @Test
    void a100ContinueReachesAnH2ClientAndTheStreamGoesOnToTheFinalResponse() throws Exception {
        Path body = Files.writeString(dir.resolve("body.txt"), "x".repeat(2000));
        String out = curl(
                "--http2",
                "-v",
                "-H",
                "Expect: 100-continue",
                "--data-binary",
                "@" + body,
                "https://web.localhost:" + gateway.httpsPort() + "/upload");
        assertThat(out).contains("< HTTP/2 100").contains("< HTTP/2 200").endsWith("hello from web");
        assertThat(backend.lastRequest().body()).hasSize(2000);
    }

    @Test
    void theJdkClientSpeaksH2ToAServiceByName() throws Exception {
        HttpResponse<String> res = client(HttpClient.Version.HTTP_2)
                .send(request("web.localhost", "/").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(res.body()).isEqualTo("hello from web");
        // A request body goes through too, streamed.
        HttpResponse<String> post = client(HttpClient.Version.HTTP_2)
                .send(
                        request("web.localhost", "/form")
                                .POST(HttpRequest.BodyPublishers.ofString("a=1&b=2"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(backend.lastRequest().body()).isEqualTo("a=1&b=2");
    }

    @Test
    void theServicesApiTheBannerAndMetricsKnowHttps() throws Exception {
        client(HttpClient.Version.HTTP_2)
                .send(request("web.localhost", "/").build(), HttpResponse.BodyHandlers.ofString());
        String https = "https://web.localhost:" + gateway.httpsPort() + "/";
        assertThat(gateway.banner()).contains(https).contains("and https://127.0.0.1:" + gateway.httpsPort());
        String services = Local.get(gateway.port(), "loopgate.localhost", "/api/v1/services")
                .body();
        assertThat(services).contains("\"" + https + "\"");
        Wait.until(
                "the h2 request is counted",
                Duration.ofSeconds(5),
                () -> metrics()
                        .contains(
                                "loopgate_requests_seconds_count{method=\"GET\",protocol=\"h2\",service=\"web\",status=\"200\"}"));
    }

    private String metrics() {
        return Local.get(gateway.port(), "loopgate.localhost", "/metrics").body();
    }

    @Test
    void nghttpSeesWebSocketsOverH2AdvertisedAndTheStreamLimit() throws Exception {
        Process p = new ProcessBuilder(
                        "nghttp",
                        "-nv",
                        "-H",
                        ":authority: web.localhost",
                        "https://127.0.0.1:" + gateway.httpsPort() + "/")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out)
                .contains("SETTINGS_ENABLE_CONNECT_PROTOCOL(0x08):1")
                .contains("SETTINGS_MAX_CONCURRENT_STREAMS(0x03):128")
                .contains("SETTINGS_MAX_HEADER_LIST_SIZE(0x06):")
                .contains(":status: 200");
    }

    @Test
    void aWebSocketOpensOverH2WithExtendedConnectAndReachesAnHttp11Backend() throws Exception {
        NodeTools.assumeNode();
        try (TestBackend echo = TestBackend.webSocketEcho()) {
            gateway.close();
            Files.writeString(
                    dir.resolve("loopgate.yaml"),
                    """
                    https:
                      listen: 127.0.0.1:0
                    services:
                      ws: http://127.0.0.1:%d
                    """
                            .formatted(echo.port()));
            gateway = Gateway.start(new Gateway.Options(
                    dir.resolve("loopgate.yaml"), null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
            Path script = dir.resolve("ws-over-h2.js");
            try (var in = getClass().getResourceAsStream("/https/ws-over-h2.js")) {
                Files.write(script, in.readAllBytes());
            }
            Process p = new ProcessBuilder(
                            "node",
                            script.toString(),
                            "https://ws.localhost:" + gateway.httpsPort(),
                            root().toString(),
                            "ws.localhost",
                            "/ws")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("status 200").contains("message echo: hi");
            Wait.until(
                    "the tunnel to the backend is closed with the stream",
                    Duration.ofSeconds(5),
                    () -> gateway.server().activeBackendConnections("ws") == 0);
        }
    }

    @Test
    void doctorSaysHttpsServesTheRootsValidityAndThatEachNameVerifies() throws Exception {
        root(); // made in the background at start
        dev.loopgate.cli.CliRunner.Result doctor = dev.loopgate.cli.CliRunner.run(dir.resolve("state"), "doctor");
        assertThat(doctor.out())
                .contains("ok    https: serving on port " + gateway.httpsPort())
                .containsPattern("ok    https ca: the root \\S+root.pem is valid until 20\\d\\d-")
                .contains("ok    https names: 2 name(s) verify against the root")
                .contains("https trust: ");
    }

    private static final dev.loopgate.proxy.AdminRequests NO_ADMIN = new dev.loopgate.proxy.AdminRequests() {
        @Override
        public io.netty.handler.codec.http.FullHttpResponse handle(
                io.netty.handler.codec.http.HttpRequest request,
                io.netty.buffer.ByteBuf body,
                int gatewayPort,
                io.netty.buffer.ByteBufAllocator alloc) {
            return null;
        }

        @Override
        public Stream openStream(io.netty.handler.codec.http.HttpRequest request) {
            return null;
        }
    };

    @Test
    void aTakenDefaultHttpsPortLeavesHttpsOffWithANoteWhileAChosenOneIsAnError() throws Exception {
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            dev.loopgate.config.ListenAddress busy =
                    new dev.loopgate.config.ListenAddress("127.0.0.1", taken.getLocalPort());
            dev.loopgate.tls.Certificates certs = new dev.loopgate.tls.Certificates(
                    dev.loopgate.tls.LocalCa.loadOrCreate(dir.resolve("ca2"), List.of(), java.time.Clock.systemUTC()),
                    Runnable::run,
                    java.time.Clock.systemUTC(),
                    "loopgate.localhost");
            try (dev.loopgate.proxy.GatewayServer plain = dev.loopgate.proxy.GatewayServer.start(
                    gateway.routes(), new dev.loopgate.config.ListenAddress("127.0.0.1", 0), false, NO_ADMIN)) {
                dev.loopgate.proxy.GatewayServer.HttpsStart off = plain.listenHttps(busy, false, certs);
                assertThat(off.port()).isZero();
                assertThat(off.note())
                        .startsWith("HTTPS is off: port " + taken.getLocalPort() + " is in use by")
                        .contains("--https-port N");
                assertThatThrownBy(() -> plain.listenHttps(busy, true, certs))
                        .hasMessageContaining("cannot serve HTTPS on 127.0.0.1:" + taken.getLocalPort())
                        .hasMessageContaining("--https-port N (0 turns HTTPS off)");
            }
        }
    }

    @Test
    void plainHttpSentToTheHttpsPortGetsA400ThatSaysWhereToGo() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.httpsPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer)
                    .startsWith("HTTP/1.1 400")
                    .contains("use https:// here, or http:// on port " + gateway.port());
        }
        Wait.until("it is counted", Duration.ofSeconds(5), () -> metrics()
                .contains("loopgate_tls_handshake_failures_total{reason=\"plain_http\"} 1.0"));
    }

    @Test
    void aNameTheCaMayNotSignFailsTheHandshakeAndIsCounted() throws Exception {
        try (SSLSocket s =
                (SSLSocket) Tls.trusting(root()).getSocketFactory().createSocket("127.0.0.1", gateway.httpsPort())) {
            s.setSoTimeout(10_000);
            SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName("example.com")));
            s.setSSLParameters(params);
            assertThatThrownBy(s::startHandshake).isInstanceOf(java.io.IOException.class);
        }
        Wait.until(
                "it is counted",
                Duration.ofSeconds(5),
                () -> metrics().contains("loopgate_tls_handshake_failures_total{reason=\"name\"} 1.0"),
                this::metrics);
    }

    @Test
    void serverSentEventsOverH2ArriveOneByOne() throws Exception {
        HttpResponse<Stream<String>> res = client(HttpClient.Version.HTTP_2)
                .send(request("events.localhost", "/stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
        Iterator<String> lines = res.body().iterator();
        assertThat(lines.next()).isEqualTo("data: one");
        // The second event is written only now: the first arrived without waiting for the rest of the stream.
        ChannelHandlerContext ctx = sseStream.get();
        ctx.executor().execute(() -> {
            ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("data: two\n\n", StandardCharsets.UTF_8)));
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        });
        assertThat(lines.next()).isEmpty();
        assertThat(lines.next()).isEqualTo("data: two");
    }

    /** Opens an h2 connection by hand: TLS with ALPN h2, the preface, empty SETTINGS. */
    private SSLSocket h2Socket() throws Exception {
        SSLSocket s =
                (SSLSocket) Tls.trusting(root()).getSocketFactory().createSocket("127.0.0.1", gateway.httpsPort());
        s.setSoTimeout(10_000);
        SSLParameters params = s.getSSLParameters();
        params.setApplicationProtocols(new String[] {"h2"});
        s.setSSLParameters(params);
        s.startHandshake();
        assertThat(s.getApplicationProtocol()).isEqualTo("h2");
        OutputStream out = s.getOutputStream();
        out.write(H2Frames.PREFACE);
        H2Frames.write(out, H2Frames.SETTINGS, 0, 0, new byte[0]);
        out.flush();
        return s;
    }

    private static byte[] get(String host, String path) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":method", "GET");
        h.put(":scheme", "https");
        h.put(":authority", host);
        h.put(":path", path);
        return H2Frames.headerBlock(h);
    }

    /** Reads frames until a GOAWAY (returned) or the end of the connection ({@code null}). */
    private static H2Frames.Frame awaitGoAway(SSLSocket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        try {
            while (true) {
                H2Frames.Frame f = H2Frames.read(in);
                if (f.type() == H2Frames.GOAWAY) {
                    return f;
                }
            }
        } catch (java.io.EOFException | SSLException | java.net.SocketException e) {
            return null;
        }
    }

    @Test
    void aStreamTheClientResetsCancelsTheBackendRequest() throws Exception {
        try (SSLSocket s = h2Socket()) {
            OutputStream out = s.getOutputStream();
            H2Frames.write(
                    out,
                    H2Frames.HEADERS,
                    H2Frames.END_HEADERS | H2Frames.END_STREAM,
                    1,
                    get("events.localhost", "/hang"));
            out.flush();
            Wait.until("the backend has the request", Duration.ofSeconds(10), () -> sseStream.get() != null);
            H2Frames.write(out, H2Frames.RST_STREAM, 0, 1, new byte[] {0, 0, 0, 8}); // CANCEL
            out.flush();
            sseClosed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anExtendedConnectForAProtocolOtherThanWebSocketGets501() throws Exception {
        try (SSLSocket s = h2Socket()) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put(":method", "CONNECT");
            h.put(":protocol", "webtransport");
            h.put(":scheme", "https");
            h.put(":authority", "web.localhost");
            h.put(":path", "/");
            H2Frames.write(s.getOutputStream(), H2Frames.HEADERS, H2Frames.END_HEADERS, 1, H2Frames.headerBlock(h));
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            H2Frames.Frame f;
            do {
                f = H2Frames.read(in);
            } while (!(f.type() == H2Frames.HEADERS && f.stream() == 1));
            io.netty.handler.codec.http2.Http2Headers response =
                    new io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder(false)
                            .decodeHeaders(1, io.netty.buffer.Unpooled.wrappedBuffer(f.payload()));
            assertThat(response.status().toString()).isEqualTo("501");
            assertThat(f.flags() & H2Frames.END_STREAM).isNotZero();
        }
        assertThat(backend.requests).isEmpty();
    }

    @Test
    void rapidResetIsRefusedWithAGoAway() throws Exception {
        try (SSLSocket s = h2Socket()) {
            Thread flood = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int stream = 1; stream < 2000; stream += 2) {
                        H2Frames.write(
                                out,
                                H2Frames.HEADERS,
                                H2Frames.END_HEADERS | H2Frames.END_STREAM,
                                stream,
                                get("web.localhost", "/"));
                        H2Frames.write(out, H2Frames.RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8});
                    }
                    out.flush();
                } catch (Exception e) {
                    // the gateway closed the connection part-way: that is the point
                }
            });
            flood.start();
            H2Frames.Frame goAway = awaitGoAway(s);
            assertThat(goAway).as("a GOAWAY before the connection ends").isNotNull();
            assertThat(goAway.errorCode()).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
            flood.join(10_000);
        }
    }

    @Test
    void aContinuationFloodIsRefused() throws Exception {
        try (SSLSocket s = h2Socket()) {
            Thread flood = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    H2Frames.write(out, H2Frames.HEADERS, 0, 1, get("web.localhost", "/"));
                    for (int i = 0; i < 100_000; i++) {
                        H2Frames.write(out, H2Frames.CONTINUATION, 0, 1, new byte[0]);
                    }
                    out.flush();
                } catch (Exception e) {
                    // the gateway closed the connection part-way: that is the point
                }
            });
            flood.start();
            H2Frames.Frame goAway = awaitGoAway(s);
            assertThat(goAway).as("a GOAWAY before the connection ends").isNotNull();
            assertThat(goAway.errorCode()).as("an error, not NO_ERROR").isNotZero();
            flood.join(10_000);
            assertThat(flood.isAlive()).as("the flood was cut off").isFalse();
        }
    }

    @Test
    void redirectSendsPlainHttpRequestsForServedHostsToHttps() throws Exception {
        gateway.close();
        startGateway("  redirect: true");
        HttpResponse<String> res = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/a?b=c"))
                                .header("Host", "web.localhost")
                                .POST(HttpRequest.BodyPublishers.ofString("x"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(308);
        assertThat(res.headers().firstValue("location"))
                .hasValue("https://web.localhost:" + gateway.httpsPort() + "/a?b=c");
        // The admin host is never redirected: the CLI talks to it over plain HTTP.
        assertThat(Local.get(gateway.port(), "loopgate.localhost", "/api/v1/services")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aServiceMayChooseItsOwnRedirect() throws Exception {
        gateway.close();
        Files.writeString(
                dir.resolve("loopgate.yaml"),
                """
                https:
                  listen: 127.0.0.1:0
                  redirect: true
                services:
                  web: http://127.0.0.1:%d
                  events:
                    backends: [http://127.0.0.1:%d]
                    redirect: false
                """
                        .formatted(backend.port(), backend.port()));
        gateway = Gateway.start(new Gateway.Options(
                dir.resolve("loopgate.yaml"), null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
        assertThat(Local.get(gateway.port(), "web.localhost", "/").statusCode()).isEqualTo(308);
        HttpResponse<String> optedOut = Local.get(gateway.port(), "events.localhost", "/");
        assertThat(optedOut.statusCode())
                .as("events opted out: proxied over plain HTTP")
                .isEqualTo(200);
        assertThat(optedOut.body()).isEqualTo("hello from web");
    }

    @Test
    void theInspectorShowsTheProtocolAndTlsVersion() throws Exception {
        client(HttpClient.Version.HTTP_2)
                .send(request("web.localhost", "/seen").build(), HttpResponse.BodyHandlers.ofString());
        Wait.until(
                "the inspector has it", Duration.ofSeconds(5), () -> inspector().contains("/seen"));
        assertThat(inspector()).contains("\"protocol\":\"h2\"").contains("\"tls\":\"TLSv1.3\"");
    }

    private String inspector() {
        return Local.get(
                        gateway.port(),
                        "loopgate.localhost",
                        "/api/v1/requests?service=web",
                        "Authorization",
                        "Bearer " + gateway.token().value())
                .body();
    }
}
