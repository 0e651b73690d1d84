package dev.loopgate.proxy;

import dev.loopgate.config.DidYouMean;
import dev.loopgate.config.GatewayConfig;
import dev.loopgate.routing.HostNames;
import dev.loopgate.routing.Route;
import dev.loopgate.routing.RouteTable;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads one request at a time (pipelined requests wait in the flow-control handler, so
 * responses go out in order), decides where it goes, and hands it to an {@link Exchange} or answers it itself.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    /** Live admin streams (dashboard pages, "is it back?" pages) open at once. */
    static final int MAX_STREAMS = 256;
    /** A locally answered request's body is read and dropped up to this size; beyond it the connection closes. */
    private static final long MAX_DISCARDED_BODY = 64 * 1024;

    /** Where the connection is between requests. */
    enum State {
        /** Waiting for the next request head. */
        AWAITING_REQUEST,
        /** An exchange with a backend is in progress. */
        EXCHANGE,
        /** Answered locally; reading and dropping the rest of the request body. */
        DISCARDING_BODY,
        /** Reading an admin request's body (capped) before answering it. */
        ADMIN_BODY,
        /** An admin request is being answered off the event loop; nothing is read until the answer is written. */
        ADMIN_PENDING,
        /** An admin event stream is open; nothing more is read until it ends. */
        STREAMING,
        /** Answered and closing; everything read now is dropped. */
        CLOSING
    }

    private final GatewayContext gateway;
    private ChannelHandlerContext ctx;
    private State state = State.AWAITING_REQUEST;
    private Exchange exchange;
    private ScheduledFuture<?> headTimer;
    private boolean keepAliveAfterDiscard;
    private boolean readPending;
    private HttpRequest adminRequest;
    private boolean adminKeepAlive;
    private io.netty.buffer.CompositeByteBuf adminBody;
    private AccessLog.Entry localLog;

    ClientConnection(GatewayContext gateway) {
        this.gateway = gateway;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        armHeadTimer(gateway.config().timeouts().clientHeaders().toNanos());
        requestRead();
    }

    /**
     * Asks for the next message. The flow-control handler delivers one message per read, but it also counts a read
     * cycle that ended without a whole message (a partial head, say) as satisfied, so an unmet demand is renewed in
     * {@link #channelReadComplete}.
     */
    void requestRead() {
        readPending = true;
        ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readPending && state != State.CLOSING) {
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readPending = false;
        switch (state) {
            case AWAITING_REQUEST -> {
                if (msg instanceof HttpRequest req) {
                    try {
                        onRequest(req);
                    } finally {
                        if (msg instanceof HttpContent) {
                            ReferenceCountUtil.release(msg);
                        }
                    }
                } else {
                    ReferenceCountUtil.release(msg);
                    requestRead();
                }
            }
            case EXCHANGE -> {
                if (msg instanceof HttpContent c) {
                    exchange.onClientContent(c);
                } else {
                    ReferenceCountUtil.release(msg);
                    log.warn(
                            "{} unexpected {} during an exchange; closing",
                            ctx.channel(),
                            msg.getClass().getSimpleName());
                    closeNow();
                }
            }
            case DISCARDING_BODY -> {
                ReferenceCountUtil.release(msg);
                if (msg instanceof LastHttpContent) {
                    afterLocalResponse(keepAliveAfterDiscard);
                } else {
                    requestRead();
                }
            }
            case ADMIN_BODY -> {
                if (msg instanceof HttpContent c) {
                    onAdminContent(c);
                } else {
                    ReferenceCountUtil.release(msg);
                    closeNow();
                }
            }
            case ADMIN_PENDING, STREAMING, CLOSING -> ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest req) {
        cancelHeadTimer();
        String client = clientIp();
        RequestRules.Rejection rejection = RequestRules.check(req);
        if (rejection != null) {
            localLog = AccessLog.start(client, req.method().name(), "-", "-");
            respondLocal(req, Problem.of(rejection.status(), rejection.reason()), false);
            return;
        }
        RequestTarget target = RequestRules.isAsteriskOptions(req)
                ? new RequestTarget(null, "*", "*")
                : RequestTarget.parse(req.uri());
        String authority =
                target.authority() != null ? target.authority() : req.headers().get(HttpHeaderNames.HOST);
        String host = HostNames.normalize(authority);
        localLog = AccessLog.start(client, req.method().name(), host == null ? "-" : host, target.path());
        boolean keepAlive = HttpUtil.isKeepAlive(req) && !gateway.draining();
        if (host == null) {
            respondLocal(
                    req,
                    Problem.of(
                            HttpResponseStatus.BAD_REQUEST,
                            "the Host header is missing or not a host name; loopgate routes by host name"),
                    false);
            return;
        }
        RouteTable table = gateway.routes().current();
        Route direct = directRoute(target, host);
        if (direct != null) {
            startExchange(req, direct, target, authority, keepAlive);
            return;
        }
        if (!table.serves(host)) {
            respondLocal(req, notServed(host, target.authority() != null), false);
            return;
        }
        if (table.isAdminHost(host)) {
            localLog.service("admin");
            req.setUri(target.originForm());
            startAdmin(req, keepAlive);
            return;
        }
        Route route =
                target.authority() == null && target.originForm().equals("*") ? null : table.match(host, target.path());
        if (route == null) {
            respondLocal(req, notFound(table, host, target.path()), keepAlive);
            return;
        }
        startExchange(req, route, target, authority, keepAlive);
    }

    /**
     * A forward-proxy request for {@code localhost:PORT} (or a loopback literal) on a port other than the gateway's
     * goes to that port, as it would without a proxy. {@code NO_PROXY=localhost} cannot say this: curl, Python and
     * Go take it to cover every {@code *.localhost} name too, which must go through loopgate. Only for clients on
     * this machine, so that in a container the gateway does not open its own loopback to the network.
     */
    private Route directRoute(RequestTarget target, String host) {
        if (target.authority() == null || !HostNames.isLoopback(host)) {
            return null;
        }
        int given = HostNames.port(target.authority());
        int port = given < 0 ? 80 : given;
        if (port == 0 || port > 65535 || port == gateway.port()) {
            return null;
        }
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        if (remote == null || !remote.getAddress().isLoopbackAddress()) {
            return null;
        }
        return Route.direct(new dev.loopgate.config.BackendUrl(host, port));
    }

    private void startExchange(
            HttpRequest req, Route route, RequestTarget target, String authority, boolean keepAlive) {
        GatewayConfig config = gateway.config();
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        boolean webSocket = HeaderRules.isWebSocketUpgrade(req) && req.method().equals(HttpMethod.GET);
        localLog.service(route.serviceName());
        localLog.requestHeaders(req.headers());
        state = State.EXCHANGE;
        // The exchange reads the client's version and framing before the head is rewritten for the backend.
        exchange = new Exchange(this, ctx, gateway, req, route, localLog, keepAlive, webSocket);
        localLog = null;
        HeaderRules.prepareRequest(
                req,
                new HeaderRules.Forwarding(
                        remote,
                        HeaderRules.Forwarding.isTrusted(remote, config.trustedProxies()),
                        authority,
                        gateway.port(),
                        route.rewriteTarget(target.originForm()),
                        target.authority()));
        exchange.start();
    }

    /** Admin requests are small and answered whole: the body is read first, up to {@link AdminRequests#MAX_BODY}. */
    private void startAdmin(HttpRequest req, boolean keepAlive) {
        AdminRequests.Stream stream =
                req.method().equals(HttpMethod.GET) ? gateway.admin().openStream(req) : null;
        if (stream != null && !gateway.openStream(ctx.channel())) {
            respondLocal(req, tooManyStreams(), false);
            return;
        }
        if (stream != null) {
            localLog.status(200);
            localLog.write(gateway.observer());
            localLog = null;
            state = State.STREAMING;
            DashboardFeed.start(ctx, stream, gateway);
            return;
        }
        if (req.method().equals(HttpMethod.GET) && req.uri().startsWith(AdminEvents.PATH)) {
            AdminEvents.Decision d = AdminEvents.decide(req, gateway.routes().current());
            if (d.problem() != null) {
                respondLocal(req, d.problem(), keepAlive);
                return;
            }
            if (!gateway.openStream(ctx.channel())) {
                respondLocal(req, tooManyStreams(), false);
                return;
            }
            startEvents(req, d, keepAlive);
            return;
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(req);
        long length = HttpUtil.getContentLength(req, 0L);
        if (length > AdminRequests.MAX_BODY) {
            respondLocal(req, tooLarge(), false);
            return;
        }
        if (!chunked && length == 0) {
            answerAdmin(req, io.netty.buffer.Unpooled.EMPTY_BUFFER, res -> writeLocal(req, res, keepAlive));
            return;
        }
        adminRequest = req;
        adminKeepAlive = keepAlive;
        adminBody = ctx.alloc().compositeBuffer();
        state = State.ADMIN_BODY;
        requestRead();
    }

    private void onAdminContent(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            c.release();
            releaseAdminBody();
            respondLocal(adminRequest, Problem.of(HttpResponseStatus.BAD_REQUEST, "malformed request body"), false);
            return;
        }
        adminBody.addComponent(true, c.content().retain());
        boolean last = c instanceof LastHttpContent;
        c.release();
        if (adminBody.readableBytes() > AdminRequests.MAX_BODY) {
            releaseAdminBody();
            respondLocal(adminRequest, tooLarge(), false);
            return;
        }
        if (!last) {
            requestRead();
            return;
        }
        io.netty.buffer.CompositeByteBuf body = adminBody;
        adminBody = null;
        boolean keepAlive = adminKeepAlive;
        answerAdmin(adminRequest, body, res -> {
            finishLocal(res, keepAlive);
            afterLocalResponse(keepAlive);
        });
    }

    /**
     * Answers an admin request on the control-plane thread — a registration takes the registry's lock, saves with an
     * fsync and may rewrite the hosts file, none of which may hold up the proxied traffic of this event loop — then
     * writes the answer back here. Owns {@code body} from here on.
     */
    private void answerAdmin(
            HttpRequest req, io.netty.buffer.ByteBuf body, java.util.function.Consumer<FullHttpResponse> then) {
        state = State.ADMIN_PENDING;
        int port = gateway.port();
        io.netty.buffer.ByteBufAllocator alloc = ctx.alloc();
        try {
            gateway.control().execute(() -> {
                FullHttpResponse res;
                try {
                    res = gateway.admin().handle(req, body, port, alloc);
                } catch (RuntimeException e) {
                    log.warn("admin request {} {} failed", req.method(), req.uri(), e);
                    res = ErrorPages.render(
                            Problem.of(HttpResponseStatus.INTERNAL_SERVER_ERROR, "the admin request failed: " + e),
                            req.headers().get(HttpHeaderNames.ACCEPT),
                            false,
                            false,
                            alloc);
                } finally {
                    body.release();
                }
                FullHttpResponse answer = res;
                try {
                    ctx.executor().execute(() -> {
                        if (state != State.ADMIN_PENDING || !ctx.channel().isActive()) {
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
            body.release();
            respondLocal(req, Problem.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "loopgate is stopping"), false);
        }
    }

    /**
     * Streams {@code event: up} once a backend of the service is up, then ends the response. The "is it back?" page
     * listens to this instead of polling.
     */
    private void startEvents(HttpRequest req, AdminEvents.Decision d, boolean keepAlive) {
        localLog.status(200);
        ctx.write(AdminEvents.head(d));
        state = State.STREAMING;
        Runnable sendUp = () -> {
            if (state != State.STREAMING || !ctx.channel().isActive()) {
                return;
            }
            ctx.writeAndFlush(AdminEvents.up(d, ctx.alloc())).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            localLog.write(gateway.observer());
            localLog = null;
            afterLocalResponse(keepAlive);
        };
        if (d.route().anyUp()) {
            sendUp.run();
            return;
        }
        ctx.writeAndFlush(AdminEvents.waiting(d, ctx.alloc()));
        Runnable stopWaiting = d.route().awaitHealthy(ctx.channel().eventLoop(), sendUp);
        // A page closed before the service came back must not stay queued with its channel.
        ctx.channel().closeFuture().addListener(f -> stopWaiting.run());
    }

    private void releaseAdminBody() {
        if (adminBody != null) {
            adminBody.release();
            adminBody = null;
        }
    }

    private static Problem tooManyStreams() {
        return Problem.of(
                        HttpResponseStatus.SERVICE_UNAVAILABLE,
                        MAX_STREAMS + " dashboard and event streams are open already")
                .withFix("Close some dashboard tabs or waiting pages; this one can be reloaded then.");
    }

    private static Problem tooLarge() {
        return Problem.of(
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "admin requests are limited to " + AdminRequests.MAX_BODY / 1024 + " KiB");
    }

    private Problem notServed(String host, boolean proxyForm) {
        if (proxyForm) {
            // Reached as a forward proxy (HTTP_PROXY from `loopgate env` or `loopgate run`) for a host it does not
            // serve: say so, and how to send that host direct instead.
            return new Problem(
                    HttpResponseStatus.FORBIDDEN,
                    "Not a served host",
                    "loopgate is not an open proxy: it forwards only to the local services it routes, and '" + host
                            + "' is not one of them. This request came here because HTTP_PROXY points at loopgate"
                            + " (set by 'loopgate env' or 'loopgate run').",
                    "To reach " + host + " directly, add it to NO_PROXY (and no_proxy): export NO_PROXY=\"$NO_PROXY,"
                            + host + "\" no_proxy=\"$no_proxy," + host + "\"; for Java, add it to"
                            + " -Dhttp.nonProxyHosts. Or run the command with 'loopgate run --no-proxy-env'.",
                    null,
                    null,
                    Map.of(),
                    null);
        }
        return Problem.of(
                HttpResponseStatus.FORBIDDEN,
                "'" + host + "' is not a localhost name. loopgate answers only for localhost, *.localhost, loopback"
                        + " addresses and configured names, which keeps web pages from reaching your dev servers"
                        + " through DNS rebinding.");
    }

    private Problem notFound(RouteTable table, String host, String path) {
        Map<String, List<String>> urls = table.urls(gateway.port());
        String origin = "http://%s" + (gateway.port() == 80 ? "" : ":" + gateway.port());
        List<String> paths = table.pathsOn(host);
        if (!paths.isEmpty()) {
            // The name is right but the path is not: point at what this host does serve, never back at this URL.
            String closest = DidYouMean.closest(path, paths);
            String suggestion = origin.formatted(host) + (closest != null ? closest : paths.get(0));
            return new Problem(
                    HttpResponseStatus.NOT_FOUND,
                    "No service here",
                    "Nothing is routed for " + host + " on " + path + "; " + host + " serves only "
                            + String.join(", ", paths) + ".",
                    "Use one of those paths, or add a route for " + path + " to the config file.",
                    null,
                    null,
                    urls,
                    suggestion);
        }
        List<String> names = new ArrayList<>();
        table.services().values().forEach(s -> s.config().hosts().stream()
                .filter(h -> !h.startsWith("*.") && !h.equals(host))
                .forEach(names::add));
        String closest = DidYouMean.closest(host, names);
        String close = closest == null
                ? null
                : origin.formatted(closest) + table.pathsOn(closest).get(0);
        return new Problem(
                HttpResponseStatus.NOT_FOUND,
                "No service here",
                "Nothing is routed for " + host + ".",
                "Check the name, or add the service to the config file.",
                null,
                null,
                urls,
                close);
    }

    private void respondLocal(HttpRequest req, Problem problem, boolean keepAlive) {
        boolean head = req.method().equals(HttpMethod.HEAD);
        FullHttpResponse res =
                ErrorPages.render(problem, req.headers().get(HttpHeaderNames.ACCEPT), head, !keepAlive, ctx.alloc());
        writeLocal(req, res, keepAlive);
    }

    /** Sends a locally made response; the request body, if small, is read and dropped to keep the connection. */
    private void writeLocal(HttpRequest req, FullHttpResponse res, boolean keepAlive) {
        boolean failedDecode = req.decoderResult().isFailure();
        boolean hasBody =
                !failedDecode && (HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0);
        if (failedDecode
                || (hasBody
                        && (HttpUtil.isTransferEncodingChunked(req)
                                || HttpUtil.getContentLength(req, 0L) > MAX_DISCARDED_BODY))) {
            keepAlive = false;
        }
        if (keepAlive && req.protocolVersion().minorVersion() == 0) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        finishLocal(res, keepAlive);
        if (!keepAlive) {
            closeAfterFlush();
            return;
        }
        if (req instanceof LastHttpContent) {
            afterLocalResponse(true);
            return;
        }
        keepAliveAfterDiscard = true;
        state = State.DISCARDING_BODY;
        requestRead();
    }

    private void finishLocal(FullHttpResponse res, boolean keepAlive) {
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        localLog.status(res.status().code());
        localLog.addBytesOut(res.content().readableBytes());
        localLog.write(gateway.observer());
        localLog = null;
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private void afterLocalResponse(boolean keepAlive) {
        if (!keepAlive || gateway.draining()) {
            closeAfterFlush();
            return;
        }
        state = State.AWAITING_REQUEST;
        armHeadTimer(gateway.config().timeouts().keepAlive().toNanos());
        requestRead();
    }

    /** The exchange ended normally; the next request may be read. */
    void exchangeDone(Exchange done, boolean keepAlive) {
        if (done != exchange) {
            return;
        }
        exchange = null;
        done.log().write(gateway.observer());
        afterLocalResponse(keepAlive && ctx.channel().isActive());
    }

    /** The exchange failed before any response byte went out: answer with its problem page. */
    void respondProblem(Exchange failed, Problem problem, boolean keepAlive) {
        if (failed != exchange || !ctx.channel().isActive()) {
            return;
        }
        exchange = null;
        respondLocalAfterExchange(problem, keepAlive, failed);
    }

    private void respondLocalAfterExchange(Problem problem, boolean keepAlive, Exchange failed) {
        FullHttpResponse res = ErrorPages.render(problem, failed.accept(), failed.isHead(), !keepAlive, ctx.alloc());
        localLog = failed.log();
        localLog.status(res.status().code());
        localLog.addBytesOut(res.content().readableBytes());
        localLog.write(gateway.observer());
        localLog = null;
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        afterLocalResponse(keepAlive);
    }

    /** The exchange broke after the response started: the client must see the connection end. */
    void abortExchange(Exchange aborted) {
        if (aborted != exchange) {
            return;
        }
        exchange = null;
        aborted.log().write(gateway.observer());
        closeAfterFlush();
    }

    /** The backend accepted a WebSocket upgrade: from now on both connections relay raw bytes. */
    void startTunnel(Exchange upgraded, Channel backend) {
        exchange = null;
        upgraded.log().write(gateway.observer());
        Channel client = ctx.channel();
        // Order matters: both relays first, then the client's codec (its leftover bytes go to the backend, whose
        // encoder passes them), then the backend's (its leftover frames reach a client pipeline without a codec).
        client.pipeline().replace(this, HandlerNames.TUNNEL, new TunnelHandler(backend));
        BackendConnection.relayTo(backend, client);
        client.pipeline().remove(HandlerNames.FLOW);
        client.pipeline().remove(HandlerNames.CODEC);
        BackendConnection.dropCodec(backend);
        client.flush();
        if (!backend.isActive()) {
            TunnelHandler.closeOnFlush(client);
            return;
        }
        client.read();
        backend.read();
    }

    /** SIGTERM: an idle connection closes now, a busy one after its current exchange. */
    void drain() {
        if (state == State.AWAITING_REQUEST && !hasPartialHead()) {
            closeNow();
        }
    }

    private boolean hasPartialHead() {
        ClientCodec codec = ctx.pipeline().get(ClientCodec.class);
        return codec != null && codec.hasPartialRequestHead();
    }

    private void armHeadTimer(long nanos) {
        cancelHeadTimer();
        headTimer = ctx.executor().schedule(this::onHeadTimeout, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancelHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    private void onHeadTimeout() {
        headTimer = null;
        if (state != State.AWAITING_REQUEST || !ctx.channel().isActive()) {
            return;
        }
        if (!hasPartialHead()) {
            closeNow();
            return;
        }
        // RFC 9110 §15.5.9: the client was too slow to send its request head.
        FullHttpResponse res = ErrorPages.render(
                Problem.of(HttpResponseStatus.REQUEST_TIMEOUT, "the request headers did not arrive in time"),
                null,
                false,
                true,
                ctx.alloc());
        ctx.writeAndFlush(res);
        closeAfterFlush();
    }

    private void closeAfterFlush() {
        state = State.CLOSING;
        cancelHeadTimer();
        TunnelHandler.closeOnFlush(ctx.channel());
    }

    private void closeNow() {
        state = State.CLOSING;
        cancelHeadTimer();
        ctx.close();
    }

    private String clientIp() {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        return remote == null ? "-" : remote.getAddress().getHostAddress();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onClientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHeadTimer();
        releaseAdminBody();
        state = State.CLOSING;
        Exchange e = exchange;
        exchange = null;
        if (e != null) {
            e.abort();
            e.log().aborted();
            e.log().write(gateway.observer());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{} client connection: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("{} client connection failed", ctx.channel(), cause);
        }
        ctx.close();
    }
}
