package dev.loopgate.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;

/**
 * The TLS context for each name a client asks for (SNI), for Netty's {@code SniHandler}: issued by the local CA off
 * the event loop, once per name however many handshakes ask at the same moment, and kept until it is within
 * {@link #RENEW_BEFORE} of its expiry. A name the CA may not sign fails the handshake with a clean alert.
 */
public final class Certificates implements AsyncMapping<String, SslContext> {
    /** A leaf this close to its end is replaced on the next handshake that asks for it. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /** The cache key of the certificate for handshakes that name no host. */
    private static final String NO_SNI = "";
    /** HTTP/2 first, HTTP/1.1 for clients without it; a client offering neither is still served HTTP/1.1. */
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2,
            ApplicationProtocolNames.HTTP_1_1);

    private final CompletableFuture<LocalCa> ca;
    private final Executor issuer;
    private final Clock clock;
    private final List<String> fallbackNames;
    private final ConcurrentHashMap<String, CompletableFuture<Entry>> cache = new ConcurrentHashMap<>();
    private final AtomicInteger issued = new AtomicInteger();

    private record Entry(SslContext context, Instant notAfter) {}

    /**
     * @param issuer where certificates are made (key generation and signing take milliseconds: not on an event loop);
     *     handing work to it must not block (a lock-free queue), since handshakes ask from event loops
     * @param adminHost loopgate's admin host: a handshake without SNI (a client that dialled {@code 127.0.0.1} or
     *     {@code [::1]}, which sends no name for an address) gets a certificate for it and for both loopback addresses
     */
    public Certificates(LocalCa ca, Executor issuer, Clock clock, String adminHost) {
        this(CompletableFuture.completedFuture(ca), issuer, clock, adminHost);
    }

    /**
     * With the CA still being loaded or made: the gateway starts accepting at once, and the first handshakes wait for
     * it (reading BouncyCastle's and the TLS library's classes would otherwise add half a second to every start).
     */
    public Certificates(CompletableFuture<LocalCa> ca, Executor issuer, Clock clock, String adminHost) {
        this.ca = ca;
        this.issuer = issuer;
        this.clock = clock;
        this.fallbackNames = List.of(adminHost.toLowerCase(Locale.ROOT), "127.0.0.1", "::1");
    }

    @Override
    public Future<SslContext> map(String sni, Promise<SslContext> promise) {
        ca.whenComplete((authority, failure) -> {
            if (failure != null) {
                promise.tryFailure(
                        new SSLHandshakeException("loopgate's local CA is unusable: " + failure.getMessage()));
            } else {
                map(authority, sni, promise);
            }
        });
        return promise;
    }

    private void map(LocalCa authority, String sni, Promise<SslContext> promise) {
        String name = sni == null ? NO_SNI : sni.toLowerCase(Locale.ROOT);
        if (sni != null && !authority.mayName(name)) {
            promise.tryFailure(new SSLHandshakeException(
                    "loopgate serves HTTPS for localhost names only; no certificate for " + name));
            return;
        }
        CompletableFuture<Entry> entry = cache.compute(name, (n, old) -> current(old) ? old : issue(authority, n));
        entry.whenComplete((e, failure) -> {
            if (failure != null) {
                cache.remove(name, entry); // the next handshake tries again
                promise.tryFailure(failure);
            } else {
                promise.trySuccess(e.context());
            }
        });
    }

    /** Still good: being issued, or issued and not yet near its end. */
    private boolean current(CompletableFuture<Entry> old) {
        if (old == null || old.isCompletedExceptionally()) {
            return false;
        }
        Entry e = old.getNow(null);
        return e == null || clock.instant().isBefore(e.notAfter().minus(RENEW_BEFORE));
    }

    private CompletableFuture<Entry> issue(LocalCa ca, String name) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        LocalCa.Leaf leaf = ca.issue(name.equals(NO_SNI) ? fallbackNames : List.of(name));
                        X509Certificate cert = leaf.certificate();
                        SslContext context = SslContextBuilder.forServer(leaf.key(), cert)
                                .sslProvider(Provider.CHOSEN)
                                .protocols("TLSv1.3", "TLSv1.2")
                                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                                .applicationProtocolConfig(ALPN)
                                .build();
                        issued.incrementAndGet();
                        return new Entry(context, cert.getNotAfter().toInstant());
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                },
                issuer);
    }

    /** How many certificates were made (each name once until it nears its end). */
    int issued() {
        return issued.get();
    }

    /**
     * BoringSSL when its native library loads (docs/performance.md shows what it pays), else the JDK's TLS. Decided
     * on first use, on the issuer's thread: loading the library is not startup's or an event loop's work.
     */
    private static final class Provider {
        static final SslProvider CHOSEN =
                io.netty.handler.ssl.OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
