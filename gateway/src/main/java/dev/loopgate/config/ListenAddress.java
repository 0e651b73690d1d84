package dev.loopgate.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Where the gateway accepts connections. {@code host} is an IP literal or {@code localhost}. */
public record ListenAddress(String host, int port) {
    public static final ListenAddress DEFAULT = new ListenAddress("127.0.0.1", 80);

    public ListenAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0–65535, got " + port);
        }
    }

    /** Parses {@code HOST:PORT}, {@code [V6]:PORT}, {@code :PORT} or a bare {@code PORT}. */
    public static ListenAddress parse(String text) {
        String t = text.trim();
        String host = DEFAULT.host();
        String port = t;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not an address; write e.g. [::1]:8080");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else if (t.indexOf(':') >= 0) {
            int colon = t.lastIndexOf(':');
            if (t.indexOf(':') != colon) {
                throw new IllegalArgumentException("'" + text + "': put IPv6 addresses in brackets, e.g. [::1]:8080");
            }
            host = colon == 0 ? DEFAULT.host() : t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no port number; write e.g. 127.0.0.1:8080");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port must be 0–65535, got " + p);
        }
        return new ListenAddress(host, p);
    }

    public ListenAddress withPort(int newPort) {
        return new ListenAddress(host, newPort);
    }

    public ListenAddress withHost(String newHost) {
        return new ListenAddress(newHost, port);
    }

    public InetSocketAddress toSocketAddress() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** True when only this machine can connect: the safe default for a development gateway. */
    public boolean isLoopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
