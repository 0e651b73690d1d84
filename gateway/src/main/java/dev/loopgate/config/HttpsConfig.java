package dev.loopgate.config;

import java.util.List;

/**
 * The {@code https:} block.
 *
 * @param listen where HTTPS is served; {@code null} when it is off ({@code --https-port 0})
 * @param listenFromFile whether {@code listen} was written in the file: a default port may fall back (443 to 8443) or,
 *     when taken, leave HTTPS off with a note; a chosen one never does
 * @param redirect whether plain-HTTP requests for served hosts are sent to https with a 308
 * @param names extra suffixes the local CA may sign besides {@code localhost} (e.g. {@code test})
 */
public record HttpsConfig(ListenAddress listen, boolean listenFromFile, boolean redirect, List<String> names) {
    public static final ListenAddress DEFAULT_LISTEN = new ListenAddress("127.0.0.1", 443);
    public static final HttpsConfig DEFAULT = new HttpsConfig(DEFAULT_LISTEN, false, false, List.of());

    public HttpsConfig {
        names = List.copyOf(names);
    }

    public boolean enabled() {
        return listen != null;
    }

    public HttpsConfig withListen(ListenAddress other, boolean chosen) {
        return new HttpsConfig(other, chosen, redirect, names);
    }
}
