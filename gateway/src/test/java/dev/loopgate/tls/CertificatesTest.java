package dev.loopgate.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loopgate.testing.MovableClock;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes against Netty's SniHandler fed by {@link Certificates}, with the local CA trusted. */
class CertificatesTest {
    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.now());
    private final ExecutorService issuer = Executors.newFixedThreadPool(2);
    private EventLoopGroup group;
    private Channel server;
    private LocalCa ca;
    private Certificates certificates;

    @BeforeEach
    void start() throws Exception {
        ca = LocalCa.loadOrCreate(dir.resolve("ca"), List.of(), clock);
        certificates = new Certificates(ca, issuer, clock, "loopgate.localhost");
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new SniHandler(certificates)).addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // no certificate for the name: the handshake ends here
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    @AfterEach
    void stop() throws Exception {
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        issuer.shutdownNow();
    }

    /** The certificate the server shows for {@code sni} ({@code null}: no SNI), trusting only loopgate's root. */
    private X509Certificate handshake(String sni) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("loopgate", ca.root());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory()
                .createSocket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static List<Object> names(X509Certificate c) throws Exception {
        return c.getSubjectAlternativeNames().stream()
                .map(n -> (Object) n.get(1))
                .toList();
    }

    @Test
    void eachNameGetsItsOwnCertificateThatVerifies() throws Exception {
        assertThat(names(handshake("web.localhost"))).containsExactly("web.localhost");
        assertThat(names(handshake("api.web.localhost"))).containsExactly("api.web.localhost");
        assertThat(certificates.issued()).isEqualTo(2);
        handshake("web.localhost");
        assertThat(certificates.issued()).as("cached").isEqualTo(2);
    }

    @Test
    void aNameTheCaMayNotSignIsRefusedInTheHandshake() {
        assertThatThrownBy(() -> handshake("example.com")).isInstanceOf(SSLException.class);
        assertThat(certificates.issued()).isZero();
    }

    @Test
    void concurrentHandshakesForOneNameMakeOneCertificate() throws Exception {
        List<io.netty.util.concurrent.Future<SslContext>> promises = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            promises.add(certificates.map("web.localhost", ImmediateEventExecutor.INSTANCE.newPromise()));
        }
        for (var p : promises) {
            assertThat(p.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.getNow()).isSameAs(promises.get(0).getNow());
        }
        assertThat(certificates.issued()).isEqualTo(1);
    }

    @Test
    void aCertificateNearItsEndIsReplacedOnTheNextHandshake() throws Exception {
        SslContext first = context("web.localhost");
        clock.advance(LocalCa.LEAF_VALIDITY.minus(Certificates.RENEW_BEFORE).minus(Duration.ofDays(1)));
        assertThat(context("web.localhost"))
                .as("a month and a day before its end: kept")
                .isSameAs(first);
        clock.advance(Duration.ofDays(2));
        assertThat(context("web.localhost"))
                .as("within a month of its end: replaced")
                .isNotSameAs(first);
        assertThat(certificates.issued()).isEqualTo(2);
    }

    private SslContext context(String name) throws Exception {
        io.netty.util.concurrent.Future<SslContext> f =
                certificates.map(name, ImmediateEventExecutor.INSTANCE.newPromise());
        assertThat(f.await(10, TimeUnit.SECONDS)).isTrue();
        return f.getNow();
    }
}
