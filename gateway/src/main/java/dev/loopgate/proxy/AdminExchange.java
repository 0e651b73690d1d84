package dev.loopgate.proxy;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request to the admin host on a client connection: a live stream (the dashboard's, or the "is it back?" page's),
 * or a request that is read whole (its body capped at {@link AdminRequests#MAX_BODY}) and answered off the event loop.
 * What the connection does meanwhile is its state ({@code ADMIN_BODY}, {@code ADMIN_PENDING}, {@code STREAMING}).
 */
final class AdminExchange {
    private static final Logger log = LoggerFactory.getLogger(AdminExchange.class);

    private final ClientConnection client;
    private final ChannelHandlerContext ctx;
    private final GatewayContext gateway;
    private final HttpRequest req;
    private final boolean keepAlive;
    private io.netty.buffer.CompositeByteBuf body;

    AdminExchange(
            ClientConnection client,
            ChannelHandlerContext ctx,
            GatewayContext gateway,
            HttpRequest req,
            boolean keepAlive) {
        this.client = client;
        this.ctx = ctx;
        this.gateway = gateway;
        this.req = req;
        this.keepAlive = keepAlive;
    }

    void start() {
        AdminRequests.Stream stream =
                req.method().equals(HttpMethod.GET) ? gateway.admin().openStream(req) : null;
        if (stream != null && !gateway.openStream(ctx.channel())) {
            client.respondLocal(req, tooManyStreams(), false);
            return;
        }
        if (stream != null) {
            client.log().status(200);
            client.writeLog();
            client.enter(ClientConnection.State.STREAMING);
            DashboardFeed.start(ctx, stream, gateway);
            return;
        }
        if (req.method().equals(HttpMethod.GET) && req.uri().startsWith(AdminEvents.PATH)) {
            AdminEvents.Decision d = AdminEvents.decide(req, gateway.routes().current());
            if (d.problem() != null) {
                client.respondLocal(req, d.problem(), keepAlive);
                return;
            }
            if (!gateway.openStream(ctx.channel())) {
                client.respondLocal(req, tooManyStreams(), false);
                return;
            }
            startEvents(d);
            return;
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(req);
        long length = HttpUtil.getContentLength(req, 0L);
        if (length > AdminRequests.MAX_BODY) {
            client.respondLocal(req, tooLarge(), false);
            return;
        }
        if (!chunked && length == 0) {
            answerAdmin(io.netty.buffer.Unpooled.EMPTY_BUFFER, res -> client.writeLocal(req, res, keepAlive));
            return;
        }
        body = ctx.alloc().compositeBuffer();
        client.enter(ClientConnection.State.ADMIN_BODY);
        client.requestRead();
    }

    void onContent(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            c.release();
            release();
            client.respondLocal(req, Problem.of(HttpResponseStatus.BAD_REQUEST, "malformed request body"), false);
            return;
        }
        body.addComponent(true, c.content().retain());
        boolean last = c instanceof LastHttpContent;
        c.release();
        if (body.readableBytes() > AdminRequests.MAX_BODY) {
            release();
            client.respondLocal(req, tooLarge(), false);
            return;
        }
        if (!last) {
            client.requestRead();
            return;
        }
        io.netty.buffer.CompositeByteBuf whole = body;
        body = null;
        answerAdmin(whole, res -> {
            client.finishLocal(res, keepAlive);
            client.afterLocalResponse(keepAlive);
        });
    }

    /**
     * Answers an admin request on the control-plane thread — a registration takes the registry's lock, saves with an
     * fsync and may rewrite the hosts file, none of which may hold up the proxied traffic of this event loop — then
     * writes the answer back here. Owns {@code requestBody} from here on.
     */
    private void answerAdmin(io.netty.buffer.ByteBuf requestBody, java.util.function.Consumer<FullHttpResponse> then) {
        client.enter(ClientConnection.State.ADMIN_PENDING);
        int port = gateway.port();
        io.netty.buffer.ByteBufAllocator alloc = ctx.alloc();
        try {
            gateway.control().execute(() -> {
                FullHttpResponse res;
                try {
                    res = gateway.admin().handle(req, requestBody, port, alloc);
                } catch (RuntimeException e) {
                    log.warn("admin request {} {} failed", req.method(), req.uri(), e);
                    res = ErrorPages.render(
                            Problem.of(HttpResponseStatus.INTERNAL_SERVER_ERROR, "the admin request failed: " + e),
                            req.headers().get(HttpHeaderNames.ACCEPT),
                            false,
                            false,
                            alloc);
                } finally {
                    requestBody.release();
                }
                FullHttpResponse answer = res;
                try {
                    ctx.executor().execute(() -> {
                        if (client.state() != ClientConnection.State.ADMIN_PENDING
                                || !ctx.channel().isActive()) {
                            answer.release();
                            return;
                        }
                        then.accept(answer);
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    answer.release(); // the event loop is shutting down
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The gateway is stopping.
            requestBody.release();
            client.respondLocal(req, Problem.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "loopgate is stopping"), false);
        }
    }

    /**
     * Streams {@code event: up} once a backend of the service is up, then ends the response. The "is it back?" page
     * listens to this instead of polling.
     */
    private void startEvents(AdminEvents.Decision d) {
        client.log().status(200);
        ctx.write(AdminEvents.head(d));
        client.enter(ClientConnection.State.STREAMING);
        Runnable[] unfollow = {() -> {}};
        Runnable sendUp = () -> {
            unfollow[0].run();
            if (client.state() != ClientConnection.State.STREAMING
                    || !ctx.channel().isActive()) {
                return;
            }
            ctx.writeAndFlush(AdminEvents.up(d, ctx.alloc())).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            client.writeLog();
            client.afterLocalResponse(keepAlive);
        };
        if (d.route().anyUp()) {
            sendUp.run();
            return;
        }
        ctx.writeAndFlush(AdminEvents.waiting(d, ctx.alloc()));
        Runnable stopWaiting = d.route().awaitHealthy(ctx.channel().eventLoop(), sendUp);
        // The output of a command loopgate runs for the service, as it is written (the "Starting…" page shows it).
        unfollow[0] = gateway.onDemand().follow(d.service(), followFrom(d), line -> ctx.channel()
                .eventLoop()
                .execute(() -> {
                    if (client.state() == ClientConnection.State.STREAMING
                            && ctx.channel().isWritable()) {
                        ctx.writeAndFlush(AdminEvents.output(line, ctx.alloc()));
                    }
                }));
        // A page closed before the service came back must not stay queued with its channel.
        ctx.channel().closeFuture().addListener(f -> {
            stopWaiting.run();
            unfollow[0].run();
        });
    }

    /** Where the output follows on: after what the page showed, or (no {@code after}) only what is new. */
    private long followFrom(AdminEvents.Decision d) {
        if (d.outputAfter() >= 0) {
            return d.outputAfter();
        }
        return gateway.onDemand().tail(d.service(), 1).lastSeq();
    }

    void release() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    private static Problem tooManyStreams() {
        return Problem.of(
                        HttpResponseStatus.SERVICE_UNAVAILABLE,
                        ClientConnection.MAX_STREAMS + " dashboard and event streams are open already")
                .withFix("Close some dashboard tabs or waiting pages; this one can be reloaded then.");
    }

    private static Problem tooLarge() {
        return Problem.of(
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "admin requests are limited to " + AdminRequests.MAX_BODY / 1024 + " KiB");
    }
}
