package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayProcess;
import dev.loopgate.testing.StreamingHandler;
import dev.loopgate.testing.TestBackend;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gibibyte each way through a gateway whose heap and direct memory are capped far below that: it only works if
 * bodies stream.
 */
class BoundedMemoryIT {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void oneGibibyteUploadAndDownloadPassThroughAGatewayCappedAt64MiB() throws Exception {
        try (TestBackend files = files();
                GatewayProcess p = cappedGateway(files, "--https-port", "0")) {
            int port = p.awaitPort(Duration.ofSeconds(20));
            HttpClient client = HttpClient.newHttpClient();

            HttpResponse<InputStream> down = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/big?n=" + GIB))
                            .header("Host", "files.localhost")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(drain(down.body())).isEqualTo(GIB);

            HttpResponse<String> up = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                            .header("Host", "files.localhost")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(GIB)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(up.body()).startsWith(GIB + " ");
            assertThat(p.isAlive()).isTrue();
            assertThat(p.stdout() + p.stderr()).doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    void a256MiBUploadAndDownloadOverHttp2StayWithinTheSameCap() throws Exception {
        long size = 256L << 20;
        int httpsPort = dev.loopgate.testing.Local.freePort();
        try (TestBackend files = files();
                GatewayProcess p = cappedGateway(files, "--https-port", Integer.toString(httpsPort))) {
            p.awaitPort(Duration.ofSeconds(20));
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_2)
                    .sslContext(dev.loopgate.testing.Tls.trusting(dev.loopgate.testing.Tls.root(dir.resolve("s"))))
                    .build();
            String base = "https://files.localhost:" + httpsPort;

            HttpResponse<InputStream> down = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/big?n=" + size)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(down.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(drain(down.body())).isEqualTo(size);

            HttpResponse<String> up = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/upload"))
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(size)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(up.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(up.body()).startsWith(size + " ");
            assertThat(p.isAlive()).isTrue();
            assertThat(p.stdout() + p.stderr()).doesNotContain("OutOfMemoryError");
        }
    }

    /** A backend that serves {@code /big?n=} and counts {@code /upload}, streaming both. */
    private static TestBackend files() throws Exception {
        AtomicLong written = new AtomicLong();
        return TestBackend.raw(
                "127.0.0.1",
                p -> p.addLast(new HttpServerCodec(), new StreamingHandler(written, StreamingHandler.newEventQueue())));
    }

    /** The jar, as a user starts it, with its heap and direct memory capped at 64 MiB. */
    private GatewayProcess cappedGateway(TestBackend files, String... extra) throws Exception {
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(config, "services:\n  files: http://127.0.0.1:" + files.port() + "\n");
        List<String> args = new java.util.ArrayList<>(List.of(
                "serve",
                "--config",
                config.toString(),
                "--port",
                "0",
                "--state-dir",
                dir.resolve("s").toString()));
        args.addAll(List.of(extra));
        return GatewayProcess.start(
                List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m", "-Dloopgate.test=bounded"),
                args.toArray(String[]::new));
    }

    private static long drain(InputStream in) throws Exception {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
            }
        }
        return total;
    }

    /** {@code size} zero bytes, produced as they are read. */
    private static final class ZeroStream extends InputStream {
        private long left;

        ZeroStream(long size) {
            left = size;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
