package dev.loopgate.proxy;

/** How a client reached loopgate: what the exchange tells the backend (scheme, port) and what metrics record. */
enum ClientProtocol {
    HTTP1("http/1.1", false),
    HTTPS1("http/1.1", true),
    H2("h2", true);

    private final String label;
    private final boolean secure;

    ClientProtocol(String label, boolean secure) {
        this.label = label;
        this.secure = secure;
    }

    /** The ALPN name: {@code http/1.1} or {@code h2}. */
    String label() {
        return label;
    }

    boolean secure() {
        return secure;
    }

    String scheme() {
        return secure ? "https" : "http";
    }

    /** An HTTP/2 stream carries one request: when its exchange ends, so does the stream. */
    boolean oneExchange() {
        return this == H2;
    }

    /** The TLS version a client's channel uses (an HTTP/2 stream's parent connection's), {@code null} for plain. */
    String tlsVersion(io.netty.channel.Channel channel) {
        if (!secure) {
            return null;
        }
        io.netty.channel.Channel connection = oneExchange() && channel.parent() != null ? channel.parent() : channel;
        io.netty.handler.ssl.SslHandler ssl = connection.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        return ssl == null || ssl.engine().getSession() == null
                ? null
                : ssl.engine().getSession().getProtocol();
    }
}
