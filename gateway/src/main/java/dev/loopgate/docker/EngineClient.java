package dev.loopgate.docker;

import dev.loopgate.proxy.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * HTTP to the Docker Engine over its unix socket, on one of the gateway's event loops: a whole answer for a list,
 * or a stream of lines for {@code /events}. No Docker SDK: two GETs do not need one.
 */
final class EngineClient {
    private static final int MAX_LIST_BYTES = 32 * 1024 * 1024;
    /** An event is a few hundred bytes; a "line" longer than this is not the Engine talking. */
    static final int MAX_LINE_BYTES = 1024 * 1024;

    private final Transport transport;
    private final EventLoop loop;
    private final String socketPath;

    EngineClient(Transport transport, EventLoop loop, String socketPath) {
        this.transport = transport;
        this.loop = loop;
        this.socketPath = socketPath;
    }

    String socketPath() {
        return socketPath;
    }

    /**
     * GETs {@code path}; {@code done} hears exactly once, on the event loop: the body of a 2xx answer, or the failure
     * — also when the Engine closes the connection without answering.
     */
    void get(String path, BiConsumer<String, Throwable> done) {
        connect(
                ch -> ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(MAX_LIST_BYTES))
                        .addLast(new ReadTimeoutHandler(10))
                        .addLast(new WholeAnswer(done)),
                path,
                ch -> {},
                e -> done.accept(null, e));
    }

    /** The one answer to a GET, or why there is none. */
    private static final class WholeAnswer extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final BiConsumer<String, Throwable> done;
        private boolean answered;

        WholeAnswer(BiConsumer<String, Throwable> done) {
            this.done = done;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            String body = res.content().toString(StandardCharsets.UTF_8);
            ctx.close();
            if (res.status().code() / 100 == 2) {
                answer(body, null);
            } else {
                answer(null, new IOException("the Engine answered " + res.status() + ": " + body.strip()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer(null, new IOException("the Engine closed the connection without answering"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
            answer(null, cause);
        }

        private void answer(String body, Throwable failure) {
            if (!answered) {
                answered = true;
                done.accept(body, failure);
            }
        }
    }

    /**
     * GETs a streaming {@code path} and hands each line to {@code onLine}; {@code onEnd} hears once when the stream
     * ends or fails. Returns nothing: closing the event loop ends it.
     */
    void stream(String path, Consumer<String> onLine, Consumer<Throwable> onEnd) {
        connect(
                ch -> ch.pipeline().addLast(new HttpClientCodec()).addLast(new LineStream(onLine, onEnd)),
                path,
                ch -> {},
                onEnd);
    }

    private void connect(
            Consumer<Channel> pipeline, String path, Consumer<Channel> connected, Consumer<Throwable> failed) {
        new Bootstrap()
                .group(loop)
                .channel(transport.domainSocketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        pipeline.accept(ch);
                    }
                })
                .connect(transport.domainSocket(socketPath))
                .addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        failed.accept(f.cause());
                        return;
                    }
                    var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
                    req.headers().set(HttpHeaderNames.HOST, "docker").set(HttpHeaderNames.USER_AGENT, "loopgate");
                    f.channel().writeAndFlush(req);
                    connected.accept(f.channel());
                });
    }

    /** Splits a streamed body into lines; one JSON object per line is what {@code /events} sends. */
    private static final class LineStream extends SimpleChannelInboundHandler<HttpObject> {
        private final Consumer<String> onLine;
        private final Consumer<Throwable> onEnd;
        private ByteBuf pending;
        private boolean ended;

        LineStream(Consumer<String> onLine, Consumer<Throwable> onEnd) {
            this.onLine = onLine;
            this.onEnd = onEnd;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            pending = ctx.alloc().buffer(4096);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse res && res.status().code() != 200) {
                end(ctx, new IOException("the Engine answered " + res.status() + " to the event stream"));
                return;
            }
            if (msg instanceof HttpContent c) {
                pending.writeBytes(c.content());
                for (int nl; (nl = pending.indexOf(pending.readerIndex(), pending.writerIndex(), (byte) '\n')) >= 0; ) {
                    String line = pending.readCharSequence(nl - pending.readerIndex(), StandardCharsets.UTF_8)
                            .toString();
                    pending.skipBytes(1);
                    if (!line.isBlank()) {
                        onLine.accept(line);
                    }
                }
                pending.discardReadBytes();
                if (pending.readableBytes() > MAX_LINE_BYTES) {
                    end(ctx, new IOException("the event stream sent a line longer than " + MAX_LINE_BYTES + " bytes"));
                    return;
                }
                if (msg instanceof LastHttpContent) {
                    end(ctx, new IOException("the Engine ended the event stream"));
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end(ctx, new IOException("the connection to the Engine closed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(ctx, cause);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            pending.release();
        }

        private void end(ChannelHandlerContext ctx, Throwable why) {
            if (!ended) {
                ended = true;
                ctx.close();
                onEnd.accept(why);
            }
        }
    }
}
