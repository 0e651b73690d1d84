package dev.loopgate.proxy;

import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import java.net.InetSocketAddress;

/**
 * Resolves backend host names other than {@code localhost} and IP literals — Compose service names,
 * {@code host.docker.internal} — without blocking an event loop: Netty's DNS resolver, which reads /etc/hosts and
 * /etc/resolv.conf as the system does. Answers are cached for at most {@value #MAX_TTL_SECONDS} s, because a
 * restarted container comes back with a new address under the same name. Created on first use: a gateway whose
 * backends are all on loopback never starts it.
 */
final class NameResolvers implements AutoCloseable {
    static final int MAX_TTL_SECONDS = 2;

    private final Transport transport;
    private volatile DnsAddressResolverGroup group;

    NameResolvers(Transport transport) {
        this.transport = transport;
    }

    AddressResolverGroup<InetSocketAddress> group() {
        DnsAddressResolverGroup g = group;
        if (g == null) {
            synchronized (this) {
                g = group;
                if (g == null) {
                    g = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                            .datagramChannelType(transport.datagramChannel())
                            .socketChannelType(transport.socketChannel())
                            .ttl(0, MAX_TTL_SECONDS)
                            .negativeTtl(1)
                            .queryTimeoutMillis(2000));
                    group = g;
                }
            }
        }
        return g;
    }

    @Override
    public synchronized void close() {
        if (group != null) {
            group.close();
        }
    }
}
