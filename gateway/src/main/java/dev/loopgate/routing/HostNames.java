package dev.loopgate.routing;

import java.util.Locale;

/** Host names as they arrive in requests, and which of them a localhost gateway may serve at all. */
public final class HostNames {
    private HostNames() {}

    /**
     * The host part of a {@code Host} header or authority, lower-cased, without port, brackets or trailing dot;
     * {@code null} if it is not a syntactically valid authority.
     */
    public static String normalize(String authority) {
        if (authority == null) {
            return null;
        }
        String a = authority.trim().toLowerCase(Locale.ROOT);
        if (a.isEmpty() || a.indexOf('@') >= 0 || a.indexOf('/') >= 0) {
            return null;
        }
        String host;
        String port = null;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = a.substring(1, close);
            if (close + 1 < a.length()) {
                if (a.charAt(close + 1) != ':') {
                    return null;
                }
                port = a.substring(close + 2);
            }
            if (!allIn(host, "0123456789abcdef:.")) {
                return null;
            }
        } else {
            int colon = a.indexOf(':');
            host = colon < 0 ? a : a.substring(0, colon);
            port = colon < 0 ? null : a.substring(colon + 1);
            if (!isNameChars(host)) {
                return null;
            }
        }
        if (port != null && !port.isEmpty() && (port.length() > 5 || !allIn(port, "0123456789"))) {
            return null;
        }
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.isEmpty() ? null : host;
    }

    // Every request's Host goes through here: plain loops, since String.matches compiles a pattern each call.
    private static boolean isNameChars(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean allIn(String s, String allowed) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (allowed.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code localhost}, any {@code *.localhost} name (RFC 6761), or a loopback IP literal. */
    public static boolean isLocal(String host) {
        return host.equals("localhost") || host.endsWith(".localhost") || isLoopbackLiteral(host);
    }

    /**
     * The port of an authority ({@code localhost:5173}, {@code [::1]:8080}), or -1 when it has none. Call only on an
     * authority that {@link #normalize} accepted.
     */
    public static int port(String authority) {
        int close = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        if (colon <= close || colon == authority.length() - 1) {
            return -1;
        }
        return Integer.parseInt(authority.substring(colon + 1));
    }

    /** {@code localhost} itself or a loopback literal: the names that mean "this machine" without any routing. */
    public static boolean isLoopback(String host) {
        return host.equals("localhost") || isLoopbackLiteral(host);
    }

    static boolean isLoopbackLiteral(String host) {
        if (host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        if (!host.startsWith("127.")) {
            return false;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !allIn(p, "0123456789") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** {@code true} when {@code host} matches {@code pattern}: equal, or {@code *.suffix} with one or more labels. */
    public static boolean matches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(1);
            return host.length() > suffix.length() && host.endsWith(suffix);
        }
        return pattern.equals(host);
    }
}
