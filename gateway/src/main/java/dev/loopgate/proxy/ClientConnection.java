package dev.loopgate.proxy;

import dev.loopgate.config.GatewayConfig;
import dev.loopgate.routing.HostNames;
import dev.loopgate.routing.Route;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
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
import java.io.IOException;
import java.net.InetSocketAddress;
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
    /** How long a closing connection still reads and drops what the client sends. */
    static final long LINGER_MILLIS = 2000;

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
    private final ClientProtocol protocol;
    private final Dispatcher dispatcher;
    private ChannelHandlerContext ctx;
    private State state = State.AWAITING_REQUEST;
    private Exchange exchange;
    private Http1Downstream downstream;
    private Deadline headTimer;
    private boolean keepAliveAfterDiscard;
    private boolean readPending;
    private boolean lingering;
    private AdminExchange adminExchange;
    private AccessLog.Entry localLog;
    /** The connection's TLS version, looked up once. */
    private String tls;

    ClientConnection(GatewayContext gateway) {
        this(gateway, ClientProtocol.HTTP1);
    }

    ClientConnection(GatewayContext gateway, ClientProtocol protocol) {
        this.gateway = gateway;
        this.protocol = protocol;
        this.dispatcher = new Dispatcher(gateway::port);
    }

    /** Added after the TLS handshake, the connection is active already: start at once. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && this.ctx == null) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (this.ctx == null) {
            start(ctx);
        }
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.headTimer = new Deadline(ctx.executor());
        if (!protocol.oneExchange()) {
            // An HTTP/2 stream exists because its request head arrived: there is nothing to time out waiting for.
            armHeadTimer(gateway.config().timeouts().clientHeaders().toNanos());
        }
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
        if (readPending && state != State.CLOSING || lingering) {
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
                    adminExchange.onContent(c);
                } else {
                    ReferenceCountUtil.release(msg);
                    closeNow();
                }
            }
            case ADMIN_PENDING, STREAMING, CLOSING -> ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest req) {
        headTimer.disarm();
        String client = clientIp();
        RequestRules.Rejection rejection = RequestRules.check(req);
        if (rejection != null) {
            localLog = AccessLog.start(client, req.method().name(), "-", "-");
            localLog.protocol(protocol.label(), tlsVersion());
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
        localLog.protocol(protocol.label(), tlsVersion());
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
        Dispatcher.Decision d = dispatcher.decide(
                target,
                host,
                (InetSocketAddress) ctx.channel().remoteAddress(),
                gateway.routes().current());
        if (d instanceof Dispatcher.Proxy proxy) {
            if (HttpsRedirect.applies(gateway, protocol, proxy.route())) {
                writeLocal(
                        req,
                        HttpsRedirect.response(authority, target, gateway.httpsPort()),
                        HttpUtil.isKeepAlive(req) && !gateway.draining());
            } else {
                startExchange(req, proxy.route(), target, authority, keepAlive);
            }
        } else if (d instanceof Dispatcher.Local local) {
            respondLocal(req, local.problem(), keepAlive && local.keepAlive());
        } else {
            localLog.service("admin");
            req.setUri(target.originForm());
            startAdmin(req, keepAlive);
        }
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
        downstream = new Http1Downstream(this, ctx);
        exchange = new Exchange(downstream, gateway, req, route, localLog, keepAlive, webSocket);
        downstream.serve(exchange);
        localLog = null;
        HeaderRules.prepareRequest(
                req,
                new HeaderRules.Forwarding(
                        remote,
                        HeaderRules.Forwarding.isTrusted(remote, config.trustedProxies()),
                        authority,
                        protocol.secure() ? gateway.httpsPort() : gateway.port(),
                        route.rewriteTarget(target.originForm()),
                        target.authority(),
                        protocol.scheme()));
        exchange.start();
    }

    private void startAdmin(HttpRequest req, boolean keepAlive) {
        adminExchange = new AdminExchange(this, ctx, gateway, req, keepAlive);
        adminExchange.start();
    }

    State state() {
        return state;
    }

    void enter(State next) {
        state = next;
    }

    AccessLog.Entry log() {
        return localLog;
    }

    /** Writes this request's access-log line (an admin stream's, when it opens). */
    void writeLog() {
        localLog.write(gateway.observer());
        localLog = null;
    }

    void respondLocal(HttpRequest req, Problem problem, boolean keepAlive) {
        boolean head = req.method().equals(HttpMethod.HEAD);
        FullHttpResponse res =
                ErrorPages.render(problem, req.headers().get(HttpHeaderNames.ACCEPT), head, !keepAlive, ctx.alloc());
        writeLocal(req, res, keepAlive);
    }

    /** Sends a locally made response; the request body, if small, is read and dropped to keep the connection. */
    void writeLocal(HttpRequest req, FullHttpResponse res, boolean keepAlive) {
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

    void finishLocal(FullHttpResponse res, boolean keepAlive) {
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        localLog.status(res.status().code());
        localLog.addBytesOut(res.content().readableBytes());
        localLog.write(gateway.observer());
        localLog = null;
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    void afterLocalResponse(boolean keepAlive) {
        if (protocol.oneExchange()) {
            // The response ended the stream; closing its channel frees it (a reset only if the request is unread).
            state = State.CLOSING;
            headTimer.cancel();
            ctx.flush();
            ctx.close();
            return;
        }
        if (!keepAlive || gateway.draining()) {
            closeAfterFlush();
            return;
        }
        state = State.AWAITING_REQUEST;
        armHeadTimer(gateway.config().timeouts().keepAlive().toNanos());
        requestRead();
    }

    /** The exchange's response went out whole; the next request may be read. */
    void exchangeCompleted(Exchange done, boolean keepAlive) {
        exchange = null;
        done.log().write(gateway.observer());
        afterLocalResponse(keepAlive && ctx.channel().isActive());
    }

    /** The exchange failed before any response byte went out: answer with its problem page. */
    void exchangeFailed(Exchange failed, Problem problem, boolean keepAlive) {
        exchange = null;
        if (!ctx.channel().isActive()) {
            failed.log().aborted();
            failed.log().write(gateway.observer());
            return;
        }
        FullHttpResponse res = ErrorPages.render(problem, failed.accept(), failed.isHead(), !keepAlive, ctx.alloc());
        localLog = failed.log();
        finishLocal(res, keepAlive);
        afterLocalResponse(keepAlive);
    }

    /** The exchange broke after the response started: the client must see the connection end. */
    void exchangeAborted(Exchange aborted) {
        exchange = null;
        aborted.log().write(gateway.observer());
        closeAfterFlush();
    }

    /** The backend accepted a WebSocket upgrade: from now on both connections relay raw bytes. */
    void exchangeUpgraded(Exchange upgraded, Channel backend) {
        exchange = null;
        upgraded.log().write(gateway.observer());
        headTimer.cancel();
        TunnelHandler.splice(ctx.channel(), this, backend);
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
        headTimer.arm(nanos, this::onHeadTimeout);
    }

    private void onHeadTimeout() {
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

    /**
     * Ends the connection once the response is out. A client may still be sending (a body loopgate refused, say):
     * closing with its bytes unread makes the kernel answer with a reset, which can destroy the response before the
     * client reads it (RFC 9112 §9.6). So the response is finished, the sending side half-closed, and what still
     * arrives is read and dropped until the client closes too, for at most {@link #LINGER_MILLIS}.
     */
    private void closeAfterFlush() {
        state = State.CLOSING;
        headTimer.cancel();
        Channel ch = ctx.channel();
        if (!(ch instanceof DuplexChannel duplex)) {
            TunnelHandler.closeOnFlush(ch);
            return;
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (!written.isSuccess() || !ch.isActive()) {
                ch.close();
                return;
            }
            duplex.shutdownOutput().addListener(shut -> {
                lingering = true;
                headTimer.arm(TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS), ch::close);
                ctx.read();
            });
        });
    }

    void closeNow() {
        state = State.CLOSING;
        headTimer.cancel();
        ctx.close();
    }

    /** The TLS version of this client's connection (its parent's, for an HTTP/2 stream), or {@code null}. */
    private String tlsVersion() {
        if (!protocol.secure()) {
            return null;
        }
        if (tls == null) {
            tls = protocol.tlsVersion(ctx.channel());
        }
        return tls;
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
        headTimer.cancel();
        if (adminExchange != null) {
            adminExchange.release();
        }
        state = State.CLOSING;
        Exchange e = exchange;
        exchange = null;
        if (e != null) {
            downstream.clientGone();
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
