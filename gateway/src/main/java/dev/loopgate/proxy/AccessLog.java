package dev.loopgate.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per exchange on the {@code loopgate.access} logger: who asked what, where it went, how it ended. */
final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("loopgate.access");

    private AccessLog() {}

    static Entry start(String client, String method, String host, String path) {
        return new Entry(System.nanoTime(), client, method, host, path);
    }

    /** What is known about one exchange so far; touched only on its connection's event loop. */
    static final class Entry {
        private final long startNanos;
        private final String client;
        private final String method;
        private final String host;
        private final String path;
        private String service = "-";
        private String protocol = "http/1.1";
        private String tls;
        private String backend = "-";
        private int status;
        private long bytesIn;
        private long bytesOut;
        private long connectedNanos;
        private long firstByteNanos;
        private boolean aborted;
        private final long startMillis = System.currentTimeMillis();
        private String requestHeaders = ExchangeRecord.NONE;
        private String responseHeaders = ExchangeRecord.NONE;

        String host() {
            return host;
        }

        String path() {
            return path;
        }

        private Entry(long startNanos, String client, String method, String host, String path) {
            this.startNanos = startNanos;
            this.client = client;
            this.method = method;
            this.host = host;
            this.path = path;
        }

        /** The client's protocol ({@code http/1.1}, {@code h2}) and TLS version ({@code null} for plain HTTP). */
        void protocol(String name, String tlsVersion) {
            protocol = name;
            tls = tlsVersion;
        }

        void service(String name) {
            service = name;
        }

        void backend(String id) {
            backend = id;
        }

        void connected() {
            connectedNanos = System.nanoTime();
        }

        void status(int code) {
            status = code;
        }

        void firstByte() {
            if (firstByteNanos == 0) {
                firstByteNanos = System.nanoTime();
            }
        }

        void requestHeaders(io.netty.handler.codec.http.HttpHeaders h) {
            requestHeaders = ExchangeRecord.capture(h);
        }

        void responseHeaders(io.netty.handler.codec.http.HttpHeaders h) {
            responseHeaders = ExchangeRecord.capture(h);
        }

        int status() {
            return status;
        }

        void addBytesIn(long n) {
            bytesIn += n;
        }

        void addBytesOut(long n) {
            bytesOut += n;
        }

        void aborted() {
            aborted = true;
        }

        void write(ExchangeObserver observer) {
            long nanos = System.nanoTime() - startNanos;
            observer.completed(new ExchangeRecord(
                    startMillis,
                    client,
                    method,
                    host,
                    path,
                    service.equals("-") ? "none" : service,
                    backend,
                    status,
                    nanos,
                    connectedNanos == 0 ? -1 : connectedNanos - startNanos,
                    firstByteNanos == 0 ? -1 : firstByteNanos - startNanos,
                    bytesIn,
                    bytesOut,
                    aborted,
                    requestHeaders,
                    responseHeaders,
                    protocol,
                    tls));
            if (!log.isInfoEnabled()) {
                return;
            }
            long micros = nanos / 1000;
            // Request bytes reach a terminal through the log: nothing a client sent is written unescaped.
            log.info(
                    "{} {} {} {} {} {} {} {}ms {}B{}{}",
                    client,
                    printable(method),
                    printable(host),
                    printable(path),
                    status == 0 ? "-" : status,
                    service,
                    backend,
                    String.format(java.util.Locale.ROOT, "%.1f", micros / 1000.0),
                    bytesOut,
                    bytesIn > 0 ? " in=" + bytesIn + "B" : "",
                    aborted ? " aborted" : "");
        }
    }

    /**
     * {@code s} with every control character and every byte outside printable ASCII written as {@code \xNN}, so that
     * a request cannot put terminal escape sequences into the log.
     */
    static String printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '\\') {
                return escape(s);
            }
        }
        return s;
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '\\') {
                out.append(String.format(java.util.Locale.ROOT, c > 0xff ? "\\u%04x" : "\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
