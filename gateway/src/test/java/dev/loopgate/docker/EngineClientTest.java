package dev.loopgate.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.proxy.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Engine client against a unix socket that misbehaves: every call ends, none hangs or grows without bound. */
class EngineClientTest {
    @TempDir
    Path dir;

    private EventLoopGroup group;
    private ServerSocketChannel server;
    private Thread serverThread;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(Epoll.isAvailable(), "the epoll transport is not available here");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (serverThread != null) {
            serverThread.join(5000);
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }

    private EngineClient client(Consumer<SocketChannel> engine) throws IOException {
        Path socket = dir.resolve("engine.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        serverThread = new Thread(() -> {
            try (SocketChannel ch = server.accept()) {
                ch.read(ByteBuffer.allocate(4096));
                engine.accept(ch);
            } catch (IOException e) {
                // the test closed the server
            }
        });
        serverThread.start();
        Transport epoll = Transport.named("epoll");
        return new EngineClient(epoll, group.next(), socket.toString());
    }

    @Test
    void aListThatTheEngineClosesWithoutAnsweringFails() throws Exception {
        EngineClient client = client(ch -> {});
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        client.get("/containers/json", (body, error) -> failure.complete(error));
        assertThat(failure.get(5, TimeUnit.SECONDS))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed the connection without answering");
    }

    @Test
    void anEventStreamLineBeyondTheLimitEndsTheStream() throws Exception {
        EngineClient client = client(ch -> {
            try {
                ch.write(ByteBuffer.wrap(
                        ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + "Transfer-Encoding: chunked\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII)));
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'x');
                String size = Integer.toHexString(chunk.length) + "\r\n";
                for (int i = 0; i < 40 && ch.isOpen(); i++) {
                    ch.write(ByteBuffer.wrap(size.getBytes(StandardCharsets.US_ASCII)));
                    ch.write(ByteBuffer.wrap(chunk));
                    ch.write(ByteBuffer.wrap("\r\n".getBytes(StandardCharsets.US_ASCII)));
                }
            } catch (IOException e) {
                // the client hung up, as it should
            }
        });
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        client.stream(
                "/events",
                line -> end.completeExceptionally(new AssertionError("no line was complete")),
                end::complete);
        assertThat(end.get(10, TimeUnit.SECONDS))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("longer than " + EngineClient.MAX_LINE_BYTES);
    }
}
