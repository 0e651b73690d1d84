package dev.loopgate.proxy;

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
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One request/response forwarded between a client connection and a backend connection. Everything runs on the
 * client's event loop, which is also the backend connection's, so no state here needs synchronisation.
 *
 * <p>Bodies stream: each piece is written on as it arrives, and the next read from a side is requested only while
 * the other side is writable. The backend connection returns to the pool only when the response completed, the
 * request was fully sent and neither side asked to close.
 */
final class Exchange implements Backends.Callback {
    /** Where the exchange is. Every move is one of {@link #NEXT}; any other is a bug and fails loudly. */
    enum Phase {
        /** Created; about to pick a backend. */
        NEW,
        /** No backend is up: waiting for one, up to the service's {@code wait}. */
        WAITING,
        /** Getting a backend connection: pooled or new, or again for a failover or the replay of a stale one. */
        CONNECTING,
        /** The request is on its way; no response head yet. {@code response_timeout} runs. */
        AWAITING_RESPONSE,
        /** A 1xx arrived and went on to the client; the final response is still to come. */
        INFORMATIONAL,
        /** The final response head arrived; its body streams to the client. */
        RESPONDING,
        /** A 101 accepted the WebSocket upgrade; the tunnel starts at the end of its (empty) body. */
        SWITCHING,
        /** Answered, aborted, or handed to a tunnel: every later event is ignored. */
        DONE
    }

    private static final java.util.Map<Phase, java.util.Set<Phase>> NEXT = new java.util.EnumMap<>(java.util.Map.of(
            Phase.NEW, java.util.EnumSet.of(Phase.WAITING, Phase.CONNECTING, Phase.DONE),
            Phase.WAITING, java.util.EnumSet.of(Phase.CONNECTING, Phase.DONE),
            Phase.CONNECTING, java.util.EnumSet.of(Phase.CONNECTING, Phase.AWAITING_RESPONSE, Phase.DONE),
            Phase.AWAITING_RESPONSE,
                    java.util.EnumSet.of(
                            Phase.INFORMATIONAL, Phase.RESPONDING, Phase.SWITCHING, Phase.CONNECTING, Phase.DONE),
            Phase.INFORMATIONAL, java.util.EnumSet.of(Phase.AWAITING_RESPONSE, Phase.DONE),
            Phase.RESPONDING, java.util.EnumSet.of(Phase.DONE),
            Phase.SWITCHING, java.util.EnumSet.of(Phase.DONE),
            Phase.DONE, java.util.EnumSet.of(Phase.DONE)));

    /** Requests that may wait for one service to come up; later ones get the 503 at once. */
    static final int MAX_WAITING = 1000;

    private final Downstream client;
    private final GatewayContext gateway;
    private final HttpRequest request;
    private final Route route;
    private final AccessLog.Entry log;
    private final boolean clientHttp10;
    private final boolean webSocket;
    private final boolean replayable;
    private final boolean bodyless;
    private final long responseTimeoutNanos;

    private Backend backend;
    private Channel backendChannel;
    private boolean reused;
    private int attempts;
    private boolean retriedStale;
    private boolean counted;
    private Phase phase = Phase.NEW;
    private ScheduledFuture<?> waitTimer;
    private Runnable stopWaiting;

    private boolean requestComplete;
    private boolean requestBodyStarted;
    private boolean clientKeepAlive;
    private boolean backendReusable = true;
    private boolean wantClientRead;
    private boolean wantBackendRead;
    private ScheduledFuture<?> responseTimer;
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
        this.clientHttp10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        this.bodyless = !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0L;
        this.replayable = bodyless && isIdempotent(request.method());
        this.responseTimeoutNanos = route.responseTimeout(
                        gateway.config().timeouts().responseHeaders())
                .toNanos();
    }

    private void to(Phase next) {
        if (!NEXT.get(phase).contains(next)) {
            throw new IllegalStateException("exchange of " + log.host() + log.path() + ": " + phase + " -> " + next);
        }
        phase = next;
    }

    private boolean finished() {
        return phase == Phase.DONE;
    }

    Phase phase() {
        return phase;
    }

    private static boolean isIdempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET)
                || m.equals(HttpMethod.HEAD)
                || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.PUT)
                || m.equals(HttpMethod.DELETE)
                || m.equals(HttpMethod.TRACE);
    }

    void start() {
        backend = route.pick();
        attempts = 1;
        if (backend == null) {
            java.time.Duration wait = route.service().waitForBackend();
            if (!route.backends().isEmpty() && !wait.isZero()) {
                startWaiting(wait);
                return;
            }
            to(Phase.DONE);
            client.answer(BackendFailure.noBackend(route), clientKeepAlive && bodyless);
            return;
        }
        acquire(true);
    }

    /**
     * No backend is up (a dev server restarting after a save, say): hold the request until one passes a health
     * check, or until the service's {@code wait} runs out. Nothing has been read of the body or sent anywhere yet.
     */
    private void startWaiting(java.time.Duration wait) {
        if (route.waiting() >= MAX_WAITING) {
            // Each waiting request holds its connection and request: past this many, answer at once instead.
            to(Phase.DONE);
            client.answer(BackendFailure.noBackend(route), clientKeepAlive && bodyless);
            return;
        }
        to(Phase.WAITING);
        waitTimer = client.eventLoop().schedule(this::waitTimedOut, wait.toNanos(), TimeUnit.NANOSECONDS);
        stopWaiting = route.awaitHealthy(client.eventLoop(), this::resumeAfterWait);
    }

    private void resumeAfterWait() {
        if (phase != Phase.WAITING) {
            return;
        }
        Backend up = route.pick();
        if (up == null) {
            stopWaiting = route.awaitHealthy(client.eventLoop(), this::resumeAfterWait);
            return;
        }
        endWait();
        backend = up;
        acquire(true);
    }

    /** No longer waiting for a backend: the timer and the registration as a waiter both go. */
    private void endWait() {
        if (waitTimer != null) {
            waitTimer.cancel(false);
        }
        if (stopWaiting != null) {
            stopWaiting.run();
            stopWaiting = null;
        }
    }

    private void waitTimedOut() {
        if (phase != Phase.WAITING) {
            return;
        }
        endWait();
        to(Phase.DONE);
        int port = gateway.port();
        String events = "http://" + gateway.config().adminHost() + (port == 80 ? "" : ":" + port)
                + "/api/v1/events?service=" + route.serviceName();
        client.answer(BackendFailure.noBackend(route).withLiveReload(events), clientKeepAlive && bodyless);
    }

    private void acquire(boolean allowPooled) {
        to(Phase.CONNECTING);
        log.backend(backend.id());
        int connectMillis = (int) Math.min(
                Integer.MAX_VALUE, gateway.config().timeouts().connect().toMillis());
        gateway.backends().acquire(backend, client.eventLoop(), connectMillis, allowPooled, this);
    }

    @Override
    public void connected(Channel ch, boolean wasPooled) {
        if (finished()) {
            if (wasPooled) {
                gateway.backends().release(backend, ch);
            } else {
                ch.close();
            }
            return;
        }
        to(Phase.AWAITING_RESPONSE);
        backendChannel = ch;
        reused = wasPooled;
        countActive(true);
        log.connected();
        BackendConnection.of(ch).attach(this);
        ch.write(request);
        if (requestComplete) {
            ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else if (!bodyless) {
            // Flush the head now: a backend may answer "100 Continue" before the client sends the body.
            ch.flush();
        }
        armResponseTimer();
        ch.read();
        if (!requestComplete) {
            readClientIfBackendWritable();
        }
    }

    @Override
    public void failed(Throwable cause) {
        if (finished()) {
            return;
        }
        BackendFailure failure = BackendFailure.ofConnect(cause);
        backend.reportFailure(
                failure == BackendFailure.REFUSED
                        ? "connection refused"
                        : failure == BackendFailure.CONNECT_TIMEOUT
                                ? "connect timed out"
                                : String.valueOf(BackendFailure.detail(cause)));
        Backend next = route.after(backend, attempts);
        if (next != null && next != backend) {
            // Nothing was sent yet, so any request may go to another backend (RFC 9110 §9.2.2 does not apply).
            backend = next;
            attempts++;
            acquire(true);
            return;
        }
        fail(failure, failure == BackendFailure.REFUSED ? null : BackendFailure.detail(cause));
    }

    void onClientContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (finished() || backendChannel == null) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            // A broken chunk: the backend must not see the message end, so its connection is dropped unfinished.
            String why = String.valueOf(content.decoderResult().cause().getMessage());
            content.release();
            rejectBrokenRequestBody(why);
            return;
        }
        log.addBytesIn(content.content().readableBytes());
        if (content.content().isReadable()) {
            requestBodyStarted = true;
        }
        if (last) {
            HeaderRules.filterRequestTrailers(((LastHttpContent) content).trailingHeaders());
        }
        backendChannel
                .writeAndFlush(content.touch("client → backend"))
                .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (last) {
            requestComplete = true;
        } else {
            readClientIfBackendWritable();
        }
    }

    private void readClientIfBackendWritable() {
        if (backendChannel.isWritable()) {
            client.readBody();
        } else {
            wantClientRead = true;
        }
    }

    void onBackendWritabilityChanged() {
        if (wantClientRead && backendChannel != null && backendChannel.isWritable()) {
            wantClientRead = false;
            client.readBody();
        }
    }

    void onClientWritabilityChanged() {
        if (wantBackendRead && backendChannel != null && client.isWritable()) {
            wantBackendRead = false;
            backendChannel.read();
        }
    }

    void onBackendMessage(Object msg) {
        if (finished()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse res) {
            onResponseHead(res);
            if (msg instanceof HttpContent) {
                onResponseContent((HttpContent) msg);
            }
        } else if (msg instanceof HttpContent c) {
            onResponseContent(c);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHead(HttpResponse res) {
        if (res.status().code() >= 200 || res.status().code() == 101) {
            // Not on a 1xx: response_timeout covers the whole wait for the final response (RFC 9110 §15.2).
            cancelResponseTimer();
        }
        log.firstByte();
        if (res.decoderResult().isFailure()) {
            fail(
                    BackendFailure.BAD_RESPONSE,
                    String.valueOf(res.decoderResult().cause().getMessage()));
            return;
        }
        int code = res.status().code();
        if (code == 101) {
            if (webSocket && HeaderRules.isWebSocketAccept(res)) {
                to(Phase.SWITCHING);
                log.status(101);
                HeaderRules.prepareResponse(res, true);
                client.sendHead(res);
            } else {
                fail(BackendFailure.BAD_RESPONSE, "it switched protocols although no WebSocket upgrade was asked for");
            }
            return;
        }
        if (code < 200) {
            to(Phase.INFORMATIONAL);
            if (!clientHttp10) {
                HeaderRules.prepareResponse(res, false);
                client.sendInterim(res);
            }
            return;
        }
        to(Phase.RESPONDING);
        log.status(code);
        backend.answered(code, route.service().outlier5xx());
        prepareFraming(res);
        log.responseHeaders(res.headers());
        if (HostRejection.worthPeeking(res, request.method())) {
            held = new HeldResponse(res, client.alloc());
            return;
        }
        client.sendHead(res);
    }

    private void prepareFraming(HttpResponse res) {
        ResponseFraming.Outcome o = ResponseFraming.prepare(
                res,
                request.method().equals(HttpMethod.HEAD),
                clientHttp10,
                requestComplete,
                clientKeepAlive && !gateway.draining());
        backendReusable &= o.backendReusable();
        clientKeepAlive = o.clientKeepAlive();
    }

    private void onResponseContent(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            // A broken chunk line or terminator part-way through: the response cannot be completed. Ending it with a
            // clean last chunk would hand the client a body that looks whole, so the client connection is cut instead,
            // and the backend connection (its decoder now out of step) is dropped.
            String why = String.valueOf(c.decoderResult().cause().getMessage());
            c.release();
            backendReusable = false;
            if (phase != Phase.RESPONDING) {
                fail(BackendFailure.BAD_RESPONSE, why);
            } else {
                abortClient();
            }
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (phase == Phase.SWITCHING) {
            c.release();
            if (last) {
                startTunnel();
            }
            return;
        }
        if (phase == Phase.INFORMATIONAL) {
            if (clientHttp10) {
                c.release();
            } else {
                client.sendContent(c);
                client.flush();
            }
            if (last) {
                to(Phase.AWAITING_RESPONSE);
            }
            return;
        }
        if (phase != Phase.RESPONDING) {
            c.release();
            return;
        }
        if (held != null) {
            if (heldBack(c, last)) {
                completeResponse();
            }
            return;
        }
        log.addBytesOut(c.content().readableBytes());
        client.sendContent(c.touch("backend → client"));
        if (last) {
            completeResponse();
        }
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    private void completeResponse() {
        client.flush();
        if (!requestComplete) {
            // The backend answered without reading the whole body (a 413, or a final status instead of
            // "100 Continue"): neither connection can be reused, the rest of the body is unread.
            backendReusable = false;
            clientKeepAlive = false;
        }
        finish();
    }

    /**
     * Collects a held-back 403 until its end, then either writes what was held (and returns {@code true}: the
     * response is complete) or answers the page that explains the refusal instead.
     */
    private boolean heldBack(HttpContent c, boolean last) {
        held.add(c);
        if (!last) {
            if (held.size() > HostRejection.MAX_BODY) {
                // Longer than any refusal page: not one. It passes on untouched, and streams from here on.
                log.addBytesOut(held.size());
                held.writeStartTo(client);
                held = null;
            }
            return false;
        }
        HeldResponse h = held;
        held = null;
        Problem p = HostRejection.recognise(h.text(), log.host(), log.path(), backend);
        if (p == null) {
            log.addBytesOut(h.size());
            h.writeTo(client);
            return true;
        }
        h.release();
        to(Phase.DONE);
        cancelResponseTimer();
        releaseBackend();
        client.answer(p, clientKeepAlive && requestComplete);
        return false;
    }

    void onBackendReadComplete() {
        if (finished()) {
            return;
        }
        client.flush();
        if (client.isWritable()) {
            backendChannel.read();
        } else {
            wantBackendRead = true;
        }
    }

    void onBackendClosed(Throwable cause) {
        if (finished()) {
            return;
        }
        Channel closed = backendChannel;
        backendChannel = null;
        countActive(false);
        if (closed != null) {
            closed.close();
        }
        if (phase == Phase.AWAITING_RESPONSE || phase == Phase.INFORMATIONAL) {
            if (reused && replayable && !retriedStale && phase == Phase.AWAITING_RESPONSE) {
                // A pooled connection the backend closed while idle: the request never reached it. Replay once on a
                // fresh connection; only safe because the request is idempotent and has no body.
                retriedStale = true;
                cancelResponseTimer();
                acquire(false);
                return;
            }
            boolean bad = cause instanceof DecoderException;
            if (!bad && !reused) {
                // A fresh connection dropped without an answer: the server crashed or restarted.
                backend.reportFailure("closed the connection before answering");
            }
            fail(bad ? BackendFailure.BAD_RESPONSE : BackendFailure.RESET, cause == null ? null : cause.getMessage());
            return;
        }
        abortClient();
    }

    /** The client went away: drop the backend connection, whose exchange cannot complete now. */
    void abort() {
        endWait();
        if (finished()) {
            return;
        }
        to(Phase.DONE);
        releaseHeld();
        cancelResponseTimer();
        closeBackend();
    }

    private void armResponseTimer() {
        responseTimer = client.eventLoop()
                .schedule(
                        () -> {
                            if (phase == Phase.AWAITING_RESPONSE || phase == Phase.INFORMATIONAL) {
                                fail(
                                        BackendFailure.RESPONSE_TIMEOUT,
                                        "no response within "
                                                + dev.loopgate.config.Durations.format(
                                                        java.time.Duration.ofNanos(responseTimeoutNanos)));
                            }
                        },
                        responseTimeoutNanos,
                        TimeUnit.NANOSECONDS);
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    /**
     * Ends the exchange so that loopgate answers the client itself; {@code false} when that is no longer possible
     * because the response already started (the client connection is then aborted).
     */
    private boolean endForLocalAnswer() {
        releaseHeld();
        if (phase == Phase.RESPONDING) {
            abortClient();
            return false;
        }
        to(Phase.DONE);
        cancelResponseTimer();
        closeBackend();
        return true;
    }

    private void fail(BackendFailure failure, String detail) {
        if (!endForLocalAnswer()) {
            return;
        }
        Problem problem = failure.describe(backend, detail);
        boolean keepAlive = clientKeepAlive && requestComplete;
        if (failure == BackendFailure.REFUSED) {
            gateway.refusals()
                    .explain(backend, client.eventLoop(), problem, takenPorts(), p -> client.answer(p, keepAlive));
        } else {
            client.answer(problem, keepAlive);
        }
    }

    /** The ports a dev server cannot have moved to: the gateway's own and those routes already use. */
    private Set<Integer> takenPorts() {
        Set<Integer> taken = new HashSet<>();
        taken.add(gateway.port());
        gateway.routes().current().services().values().forEach(s -> s.backends()
                .forEach(b -> taken.add(b.url().port())));
        return taken;
    }

    private void rejectBrokenRequestBody(String why) {
        if (endForLocalAnswer()) {
            client.answer(
                    Problem.of(
                            io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST,
                            "malformed request body: " + why),
                    false);
        }
    }

    private void abortClient() {
        releaseHeld();
        to(Phase.DONE);
        cancelResponseTimer();
        closeBackend();
        log.aborted();
        client.reset();
    }

    /** Counts this exchange's backend connection as in use, or no longer, exactly once each way. */
    private void countActive(boolean nowActive) {
        if (counted != nowActive) {
            counted = nowActive;
            gateway.backends().countActive(route.serviceName(), nowActive ? 1 : -1);
            if (nowActive) {
                backend.started();
            } else {
                backend.ended();
            }
        }
    }

    private void closeBackend() {
        countActive(false);
        Channel ch = backendChannel;
        backendChannel = null;
        if (ch != null) {
            BackendConnection.of(ch).detach();
            ch.close();
        }
    }

    private void finish() {
        to(Phase.DONE);
        cancelResponseTimer();
        releaseBackend();
        client.completed(clientKeepAlive);
    }

    /** Returns a cleanly finished backend connection to its pool, or closes it. */
    private void releaseBackend() {
        countActive(false);
        Channel ch = backendChannel;
        backendChannel = null;
        if (ch != null) {
            BackendConnection.of(ch).detach();
            if (backendReusable && requestComplete && ch.isActive() && BackendConnection.endedCleanly(ch)) {
                gateway.backends().release(backend, ch);
            } else {
                ch.close();
            }
        }
    }

    private void startTunnel() {
        to(Phase.DONE);
        cancelResponseTimer();
        countActive(false);
        Channel ch = backendChannel;
        backendChannel = null;
        BackendConnection.of(ch).detach();
        client.upgraded(ch);
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

    boolean requestComplete() {
        return requestComplete;
    }

    boolean requestBodyStarted() {
        return requestBodyStarted;
    }
}
