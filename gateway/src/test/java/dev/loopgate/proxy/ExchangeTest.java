package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.config.ConfigLoader;
import dev.loopgate.health.BackendStates;
import dev.loopgate.routing.Backend;
import dev.loopgate.routing.Route;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.Routes;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The exchange's phases, walked on {@code EmbeddedChannel}s: a stand-in client side ({@link Downstream}) and backend
 * connections handed out by a stand-in {@link Backends}, so that each transition that matters is driven by hand —
 * the client gone while connecting, the backend gone mid-body, the wait running out, a stale pooled connection
 * replayed, a 1xx before the final answer, an upgrade.
 */
class ExchangeTest {
    /** The client side, recording what the exchange did to it. */
    private static final class Client implements Downstream {
        final EmbeddedChannel loop = new EmbeddedChannel();
        final List<String> events = new ArrayList<>();
        final StringBuilder body = new StringBuilder();
        Problem answered;

        @Override
        public EventLoop eventLoop() {
            return loop.eventLoop();
        }

        @Override
        public ByteBufAllocator alloc() {
            return ByteBufAllocator.DEFAULT;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void sendInterim(HttpResponse informational) {
            events.add("interim " + informational.status().code());
        }

        @Override
        public void sendHead(HttpResponse head) {
            events.add("head " + head.status().code());
        }

        @Override
        public void sendContent(HttpContent content) {
            body.append(content.content().toString(StandardCharsets.UTF_8));
            if (content instanceof LastHttpContent) {
                events.add("last");
            }
            content.release();
        }

        @Override
        public void flush() {}

        @Override
        public void readBody() {}

        @Override
        public void completed(boolean keepAlive) {
            events.add("completed");
        }

        @Override
        public void answer(Problem problem, boolean keepAlive) {
            answered = problem;
            events.add("answered " + problem.status().code());
        }

        @Override
        public void reset() {
            events.add("reset");
        }

        @Override
        public void upgraded(Channel backend) {
            events.add("upgraded");
        }
    }

    /** Backend connections on demand: each acquire is recorded, and the test answers it. */
    private static final class FakeBackends implements Backends {
        final List<Boolean> acquires = new ArrayList<>();
        Callback pending;
        final List<Channel> released = new ArrayList<>();

        @Override
        public void acquire(
                Backend backend, EventLoop loop, int connectTimeoutMillis, boolean allowPooled, Callback cb) {
            acquires.add(allowPooled);
            pending = cb;
        }

        @Override
        public void release(Backend backend, Channel ch) {
            released.add(ch);
        }

        @Override
        public void countActive(String service, int delta) {}

        /** Hands the waiting exchange a new backend connection. */
        EmbeddedChannel connect(boolean pooled) {
            EmbeddedChannel ch = new EmbeddedChannel();
            ch.pipeline()
                    .addLast(HandlerNames.CODEC, new BackendCodec(new HttpDecoderConfig()))
                    .addLast(HandlerNames.BACKEND, new BackendConnection());
            Callback cb = pending;
            pending = null;
            cb.connected(ch, pooled);
            return ch;
        }
    }

    private final BackendStates states = new BackendStates(Clock.systemUTC());
    private final FakeBackends backends = new FakeBackends();
    private final Client client = new Client();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private Route route;
    private Exchange exchange;

    private Exchange exchange(String yaml, HttpRequest request) throws Exception {
        var config = ConfigLoader.parse(yaml, "test.yaml");
        RouteTable table = RouteTable.build(
                config,
                config.services().values().stream()
                        .map(dev.loopgate.routing.ServiceEntry::fromFile)
                        .toList(),
                states);
        Routes routes = new Routes(table);
        route = table.routeFor("web");
        GatewayContext gateway = new GatewayContext(
                routes,
                null,
                backends,
                null,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
                ExchangeObserver.NONE);
        exchange = new Exchange(
                client,
                gateway,
                request,
                route,
                AccessLog.start("127.0.0.1", request.method().name(), "web.localhost", request.uri()),
                true,
                HeaderRules.isWebSocketUpgrade(request));
        return exchange;
    }

    private static HttpRequest get() {
        // As the client's decoder delivers it: the head, then (separately) its end.
        HttpRequest req = new io.netty.handler.codec.http.DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        req.headers().set("Host", "web.localhost");
        return req;
    }

    private EmbeddedChannel keep(EmbeddedChannel ch) {
        channels.add(ch);
        return ch;
    }

    private static void answer(EmbeddedChannel backend, String bytes) {
        backend.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    @AfterEach
    void release() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
        client.loop.finishAndReleaseAll();
    }

    @Test
    void aCompleteResponseWalksConnectingAwaitingRespondingDone() throws Exception {
        exchange("services:\n  web: 5173\n", get()).start();
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.CONNECTING);
        EmbeddedChannel backend = keep(backends.connect(false));
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.AWAITING_RESPONSE);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);
        answer(backend, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.DONE);
        assertThat(client.events).containsExactly("head 200", "last", "completed");
        assertThat(client.body).hasToString("hi");
        assertThat(backends.released).as("back to the pool").containsExactly(backend);
    }

    @Test
    void theClientGoneWhileConnectingLeavesTheNewConnectionUnused() throws Exception {
        exchange("services:\n  web: 5173\n", get()).start();
        exchange.abort();
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.DONE);
        EmbeddedChannel late = keep(backends.connect(false));
        assertThat(late.isOpen()).as("a connection made for nobody is closed").isFalse();
        assertThat(late.readOutbound() == null).as("nothing was sent on it").isTrue();
        assertThat(client.events).isEmpty();
    }

    @Test
    void theBackendGoneMidBodyResetsTheClient() throws Exception {
        exchange("services:\n  web: 5173\n", get()).start();
        EmbeddedChannel backend = keep(backends.connect(false));
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);
        answer(backend, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.RESPONDING);
        backend.close();
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.DONE);
        assertThat(client.events).containsExactly("head 200", "reset");
        assertThat(backends.released).isEmpty();
    }

    @Test
    void theWaitForADownBackendRunsOutWithA503AndLeavesNoWaiter() throws Exception {
        exchange("services:\n  web:\n    port: 5173\n    wait: 2s\n", get());
        route.backends().get(0).reportFailure("connection refused");
        exchange.start();
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.WAITING);
        assertThat(route.waiting()).isEqualTo(1);
        client.loop.advanceTimeBy(2, TimeUnit.SECONDS);
        client.loop.runScheduledPendingTasks();
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.DONE);
        assertThat(client.events).containsExactly("answered 503");
        assertThat(client.answered.liveReload()).contains("/api/v1/events?service=web");
        assertThat(route.waiting()).isZero();
        assertThat(backends.acquires).isEmpty();
    }

    @Test
    void aStalePooledConnectionIsReplacedOnceForASafeRequest() throws Exception {
        exchange("services:\n  web: 5173\n", get()).start();
        EmbeddedChannel stale = keep(backends.connect(true));
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);
        stale.close();
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.CONNECTING);
        assertThat(backends.acquires).as("the replay asks for a new connection").containsExactly(true, false);
        EmbeddedChannel fresh = keep(backends.connect(false));
        answer(fresh, "HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(client.events).containsExactly("head 204", "last", "completed");
    }

    @Test
    void aContinueGoesToTheClientAndTheFinalAnswerFollows() throws Exception {
        exchange("services:\n  web: 5173\n", get()).start();
        EmbeddedChannel backend = keep(backends.connect(false));
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);
        answer(backend, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n");
        assertThat(exchange.phase())
                .as("back to waiting for the final answer once the 1xx ended")
                .isEqualTo(ExchangePhase.AWAITING_RESPONSE);
        answer(backend, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(client.events)
                .as("the 1xx message ends on its own, before the final head")
                .containsExactly("interim 103", "last", "head 200", "last", "completed");
    }

    @Test
    void anAcceptedWebSocketUpgradeHandsBothConnectionsToATunnel() throws Exception {
        HttpRequest req = get();
        req.headers().set("Upgrade", "websocket").set("Connection", "Upgrade");
        exchange("services:\n  web: 5173\n", req).start();
        EmbeddedChannel backend = keep(backends.connect(false));
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);
        answer(
                backend,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.DONE);
        assertThat(client.events).containsExactly("head 101", "upgraded");
    }

    @Test
    void aConnectThatFailsWithNoOtherBackendAnswers502() throws Exception {
        exchange("services:\n  web: 5173\n", get()).start();
        backends.pending.failed(new java.io.IOException("unreachable"));
        assertThat(exchange.phase()).isEqualTo(ExchangePhase.DONE);
        assertThat(client.events).containsExactly("answered 502");
    }
}
