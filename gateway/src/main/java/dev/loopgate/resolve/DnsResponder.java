package dev.loopgate.resolve;

import dev.loopgate.config.ListenAddress;
import dev.loopgate.routing.Routes;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny authoritative DNS responder: A and AAAA records with the loopback addresses for {@code *.localhost} and the
 * names loopgate serves, REFUSED for anything else. It never forwards a query, so pointing a resolver's
 * {@code localhost} domain at it cannot leak lookups.
 */
public final class DnsResponder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsResponder.class);
    private static final byte[] V4 = {127, 0, 0, 1};
    private static final byte[] V6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final long TTL_SECONDS = 5;

    private final EventLoopGroup group;
    private final Channel channel;

    private DnsResponder(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    public static DnsResponder start(ListenAddress listen, Routes routes) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel ch = new Bootstrap()
                    .group(group)
                    .channel(NioDatagramChannel.class)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            ch.pipeline()
                                    .addLast(
                                            new DatagramDnsQueryDecoder(),
                                            new DatagramDnsResponseEncoder(),
                                            new Answerer(routes));
                        }
                    })
                    .bind(listen.toSocketAddress())
                    .sync()
                    .channel();
            return new DnsResponder(group, ch);
        } catch (Exception e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers one query at a time; a packet it cannot decode is logged and dropped, the responder keeps running. */
    private static final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        private final Routes routes;

        Answerer(Routes routes) {
            this.routes = routes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setAuthoritativeAnswer(true).setRecursionAvailable(false);
            DnsQuestion question = query.count(DnsSection.QUESTION) > 0 ? query.recordAt(DnsSection.QUESTION) : null;
            if (question == null) {
                response.setCode(DnsResponseCode.FORMERR);
            } else {
                response.addRecord(DnsSection.QUESTION, question);
                answer(question, response);
            }
            ctx.writeAndFlush(response);
        }

        private void answer(DnsQuestion question, DatagramDnsResponse response) {
            String name = question.name().toLowerCase(Locale.ROOT);
            String host = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
            if (!served(host)) {
                response.setCode(DnsResponseCode.REFUSED);
                return;
            }
            if (question.type() == DnsRecordType.A) {
                response.addRecord(
                        DnsSection.ANSWER,
                        new DefaultDnsRawRecord(name, DnsRecordType.A, TTL_SECONDS, Unpooled.wrappedBuffer(V4)));
            } else if (question.type() == DnsRecordType.AAAA) {
                response.addRecord(
                        DnsSection.ANSWER,
                        new DefaultDnsRawRecord(name, DnsRecordType.AAAA, TTL_SECONDS, Unpooled.wrappedBuffer(V6)));
            }
        }

        private boolean served(String host) {
            if (host.equals("localhost") || host.endsWith(".localhost")) {
                return true;
            }
            return !dev.loopgate.config.IpLiteral.is(host) && routes.current().serves(host);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("dropped a DNS packet that could not be read: {}", cause.toString());
        }
    }
}
