package dev.loopgate.proxy;

import dev.loopgate.config.Durations;
import dev.loopgate.routing.Backend;
import dev.loopgate.routing.Route;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;

/**
 * One request/response forwarded between a client ({@link Downstream}) and a backend connection ({@link
 * BackendLeg}), moving through the {@link ExchangePhase}s. Everything runs on the client's event loop, which is also
 * the backend connection's, so no state here needs synchronisation.
 *
 * <p>Bodies stream: each piece is written on as it arrives, and the next read from a side is requested only while
 * the other side is writable. The backend connection returns to the pool only when the response completed, the
 * request was fully sent and neither side asked to close.
 */
final class Exchange implements Backends.Callback {
    private final Downstream client;
    private final GatewayContext gateway;
    private final HttpRequest request;
    private final Route route;
    private final AccessLog.Entry log;
    private final BackendLeg backend;
    private final Deadline responseDeadline;
    private final Backpressure flow;
    private final boolean clientHttp10;
    private final boolean webSocket;
    private final boolean replayable;
    private final boolean bodyless;
    private final long responseTimeoutNanos;

    private ExchangePhase phase = ExchangePhase.NEW;
    private BackendWait wait;
    private boolean retriedStale;
    private boolean requestComplete;
    private boolean clientKeepAlive;
    private HeldResponse held;

    Exchange(
            Downstream client,
            GatewayContext gateway,
            HttpRequest request,
            Route route,
            AccessLog.Entry log,
            boolean clientKeepAlive,
            boolean webSocket) {
        this.client = client;
        this.gateway = gateway;
        this.request = request;
        this.route = route;
        this.log = log;
        this.clientKeepAlive = clientKeepAlive;
        this.webSocket = webSocket;
        this.backend = new BackendLeg(gateway.backends(), route.serviceName());
        this.responseDeadline = new Deadline(client.eventLoop());
        this.flow = new Backpressure(client);
        this.clientHttp10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        this.bodyless = !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0L;
        this.replayable = bodyless && RequestRules.isIdempotent(request.method());
        this.responseTimeoutNanos = route.responseTimeout(
                        gateway.config().timeouts().responseHeaders())
                .toNanos();
    }

    private void to(ExchangePhase next) {
        if (!phase.canMoveTo(next)) {
            throw new IllegalStateException("exchange of " + log.host() + log.path() + ": " + phase + " -> " + next);
        }
        phase = next;
    }

    private boolean finished() {
        return phase == ExchangePhase.DONE;
    }

    ExchangePhase phase() {
        return phase;
    }

    void start() {
        wait = BackendChoice.choose(
                route, gateway, client.eventLoop(), this::opensAPage, this::connectTo, this::answerInstead);
        if (wait != null) {
            to(ExchangePhase.WAITING);
        }
    }

    /** A browser opening a page (it can show one while the service's command starts). */
    private boolean opensAPage() {
        String accept = accept();
        return request.method().equals(HttpMethod.GET) && accept != null && accept.contains("text/html");
    }

    private void connectTo(Backend b) {
        wait = null;
        backend.choose(b);
        acquire(true);
    }

    /** No backend will take the request: loopgate's page says why (none up, the command exited or is starting). */
    private void answerInstead(Problem page) {
        wait = null;
        to(ExchangePhase.DONE);
        client.answer(page, clientKeepAlive && bodyless);
    }

    private void acquire(boolean allowPooled) {
        to(ExchangePhase.CONNECTING);
        log.backend(backend.backend().id());
        int connectMillis = (int) Math.min(
                Integer.MAX_VALUE, gateway.config().timeouts().connect().toMillis());
        gateway.backends().acquire(backend.backend(), client.eventLoop(), connectMillis, allowPooled, this);
    }

    @Override
    public void connected(Channel ch, boolean wasPooled) {
        if (finished()) {
            backend.discard(ch, wasPooled);
            return;
        }
        to(ExchangePhase.AWAITING_RESPONSE);
        backend.attach(ch, wasPooled, this);
        log.connected();
        ch.write(request);
        if (requestComplete) {
            ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else if (!bodyless) {
            // Flush the head now: a backend may answer "100 Continue" before the client sends the body.
            ch.flush();
        }
        responseDeadline.arm(responseTimeoutNanos, this::responseTimedOut);
        ch.read();
        if (!requestComplete) {
            flow.readClient(ch);
        }
    }

    @Override
    public void failed(Throwable cause) {
        if (finished()) {
            return;
        }
        BackendFailure failure = BackendFailure.ofConnect(cause);
        backend.backend().reportFailure(failure.healthReason(cause));
        if (backend.failOver(route)) {
            // Nothing was sent yet, so any request may go to another backend (RFC 9110 §9.2.2 does not apply).
            acquire(true);
        } else {
            fail(failure, failure == BackendFailure.REFUSED ? null : BackendFailure.detail(cause));
        }
    }

    void onClientContent(HttpContent content) {
        Channel ch = backend.channel();
        if (finished() || ch == null) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            // A broken chunk: the backend must not see the message end, so its connection is dropped unfinished.
            String why = String.valueOf(content.decoderResult().cause().getMessage());
            content.release();
            if (endForLocalAnswer()) {
                client.answer(Problem.of(HttpResponseStatus.BAD_REQUEST, "malformed request body: " + why), false);
            }
            return;
        }
        boolean last = content instanceof LastHttpContent;
        log.addBytesIn(content.content().readableBytes());
        if (last) {
            HeaderRules.filterRequestTrailers(((LastHttpContent) content).trailingHeaders());
        }
        ch.writeAndFlush(content.touch("client → backend")).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (last) {
            requestComplete = true;
        } else {
            flow.readClient(ch);
        }
    }

    void onBackendWritabilityChanged() {
        flow.backendWritabilityChanged(backend.channel());
    }

    void onClientWritabilityChanged() {
        flow.clientWritabilityChanged(backend.channel());
    }

    /** A response head from the backend (1xx, 101 or final); {@link BackendConnection} hands over each part. */
    void onResponseHead(HttpResponse res) {
        if (finished()) {
            return; // its content, if any, is released by onResponseContent
        }
        int code = res.status().code();
        if (code >= 200 || code == 101) {
            // Not on a 1xx: response_timeout covers the whole wait for the final response (RFC 9110 §15.2).
            responseDeadline.cancel();
        }
        log.firstByte();
        if (res.decoderResult().isFailure()) {
            fail(
                    BackendFailure.BAD_RESPONSE,
                    String.valueOf(res.decoderResult().cause().getMessage()));
        } else if (code == 101) {
            onSwitchingProtocols(res);
        } else if (code < 200) {
            to(ExchangePhase.INFORMATIONAL);
            if (!clientHttp10) {
                HeaderRules.prepareResponse(res, false);
                client.sendInterim(res);
            }
        } else {
            onFinalResponseHead(res, code);
        }
    }

    private void onSwitchingProtocols(HttpResponse res) {
        if (!webSocket || !HeaderRules.isWebSocketAccept(res)) {
            fail(BackendFailure.BAD_RESPONSE, "it switched protocols although no WebSocket upgrade was asked for");
            return;
        }
        to(ExchangePhase.SWITCHING);
        log.status(101);
        HeaderRules.prepareResponse(res, true);
        client.sendHead(res);
    }

    private void onFinalResponseHead(HttpResponse res, int code) {
        to(ExchangePhase.RESPONDING);
        log.status(code);
        backend.backend().answered(code, route.service().outlier5xx());
        ResponseFraming.Outcome o = ResponseFraming.prepare(
                res, isHead(), clientHttp10, requestComplete, clientKeepAlive && !gateway.draining());
        backend.allowReuse(o.backendReusable());
        clientKeepAlive = o.clientKeepAlive();
        log.responseHeaders(res.headers());
        if (HostRejection.worthPeeking(res, request.method())) {
            held = new HeldResponse(res, client.alloc());
        } else {
            client.sendHead(res);
        }
    }

    void onResponseContent(HttpContent c) {
        if (finished()) {
            c.release();
            return;
        }
        if (c.decoderResult().isFailure()) {
            // A broken chunk line or terminator part-way through: the response cannot be completed. Ending it with a
            // clean last chunk would hand the client a body that looks whole, so the client connection is cut instead,
            // and the backend connection (its decoder now out of step) is dropped.
            String why = String.valueOf(c.decoderResult().cause().getMessage());
            c.release();
            backend.notReusable();
            if (phase != ExchangePhase.RESPONDING) {
                fail(BackendFailure.BAD_RESPONSE, why);
            } else {
                abortClient();
            }
            return;
        }
        boolean last = c instanceof LastHttpContent;
        switch (phase) {
            case SWITCHING -> {
                c.release();
                if (last) {
                    startTunnel();
                }
            }
            case INFORMATIONAL -> {
                if (clientHttp10) {
                    c.release();
                } else {
                    client.sendContent(c);
                    client.flush();
                }
                if (last) {
                    to(ExchangePhase.AWAITING_RESPONSE);
                }
            }
            case RESPONDING -> onResponseBody(c, last);
            default -> c.release();
        }
    }

    private void onResponseBody(HttpContent c, boolean last) {
        if (held == null) {
            log.addBytesOut(c.content().readableBytes());
            client.sendContent(c.touch("backend → client"));
        } else {
            HeldResponse.Outcome o = held.take(c, last, client, log, backend.backend());
            if (o == HeldResponse.Outcome.HOLDING) {
                return;
            }
            Problem refusal = held.refusal();
            held = null;
            if (refusal != null) {
                // A dev server refused the host name: loopgate's page says which setting lets it through.
                to(ExchangePhase.DONE);
                responseDeadline.cancel();
                backend.release(requestComplete);
                client.answer(refusal, clientKeepAlive && requestComplete);
                return;
            }
        }
        if (last) {
            completeResponse();
        }
    }

    private void completeResponse() {
        client.flush();
        if (!requestComplete) {
            // The backend answered without reading the whole body (a 413, or a final status instead of
            // "100 Continue"): neither connection can be reused, the rest of the body is unread.
            backend.notReusable();
            clientKeepAlive = false;
        }
        to(ExchangePhase.DONE);
        responseDeadline.cancel();
        backend.release(requestComplete);
        client.completed(clientKeepAlive);
    }

    void onBackendReadComplete() {
        if (!finished()) {
            flow.backendReadComplete(backend.channel());
        }
    }

    void onBackendClosed(Throwable cause) {
        if (finished()) {
            return;
        }
        backend.lost();
        if (!phase.awaitingFinalResponse()) {
            abortClient();
        } else if (backend.wasPooled() && replayable && !retriedStale && phase == ExchangePhase.AWAITING_RESPONSE) {
            // A pooled connection the backend closed while idle: the request never reached it. Replay once on a
            // fresh connection; only safe because the request is idempotent and has no body.
            retriedStale = true;
            responseDeadline.cancel();
            acquire(false);
        } else {
            boolean bad = cause instanceof DecoderException;
            if (!bad && !backend.wasPooled()) {
                // A fresh connection dropped without an answer: the server crashed or restarted.
                backend.backend().reportFailure("closed the connection before answering");
            }
            fail(bad ? BackendFailure.BAD_RESPONSE : BackendFailure.RESET, cause == null ? null : cause.getMessage());
        }
    }

    /** The client went away: drop the backend connection, whose exchange cannot complete now. */
    void abort() {
        if (wait != null) {
            wait.end();
            wait = null;
        }
        if (!finished()) {
            endQuietly();
        }
    }

    private void responseTimedOut() {
        if (phase.awaitingFinalResponse()) {
            fail(
                    BackendFailure.RESPONSE_TIMEOUT,
                    "no response within " + Durations.format(Duration.ofNanos(responseTimeoutNanos)));
        }
    }

    /**
     * Ends the exchange so that loopgate answers the client itself; {@code false} when that is no longer possible
     * because the response already started (the client connection is then aborted).
     */
    private boolean endForLocalAnswer() {
        if (phase == ExchangePhase.RESPONDING) {
            abortClient();
            return false;
        }
        endQuietly();
        return true;
    }

    private void fail(BackendFailure failure, String detail) {
        if (!endForLocalAnswer()) {
            return;
        }
        Backend failed = backend.backend();
        Problem problem = failure.describe(failed, detail);
        boolean keepAlive = clientKeepAlive && requestComplete;
        if (failure == BackendFailure.REFUSED) {
            gateway.refusals()
                    .explain(
                            failed,
                            client.eventLoop(),
                            problem,
                            gateway.takenPorts(),
                            p -> client.answer(p, keepAlive));
        } else {
            client.answer(problem, keepAlive);
        }
    }

    private void abortClient() {
        endQuietly();
        log.aborted();
        client.reset();
    }

    /** Done, with nothing more to send: the held response, the timer and the backend connection all go. */
    private void endQuietly() {
        to(ExchangePhase.DONE);
        if (held != null) {
            held.release();
            held = null;
        }
        responseDeadline.cancel();
        backend.close();
    }

    private void startTunnel() {
        to(ExchangePhase.DONE);
        responseDeadline.cancel();
        Channel tunnel = backend.handOver();
        if (route.service().process() != null) {
            // An open WebSocket (Vite's HMR) is use: the command must not be stopped as idle meanwhile.
            Runnable release = gateway.onDemand().hold(route.serviceName());
            tunnel.closeFuture().addListener(f -> release.run());
        }
        client.upgraded(tunnel);
    }

    String accept() {
        return request.headers().get(HttpHeaderNames.ACCEPT);
    }

    boolean isHead() {
        return request.method().equals(HttpMethod.HEAD);
    }

    AccessLog.Entry log() {
        return log;
    }
}
