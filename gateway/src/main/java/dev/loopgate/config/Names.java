package dev.loopgate.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** The shapes of names a user writes: service names, host names and host wildcards, path prefixes. */
public final class Names {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern HOST = Pattern.compile(
            "(\\*\\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");

    private Names() {}

    /** Service names become host names ({@code NAME.localhost}), so they are DNS labels. */
    public static String checkServiceName(String name) {
        if (!LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "'" + name
                            + "' is not a valid service name: use lower-case letters, digits and '-' (at most 63), e.g. web-app");
        }
        return name;
    }

    /** Lower-cases a host or {@code *.suffix} wildcard and drops a trailing dot; throws with the fix if malformed. */
    public static String checkHostPattern(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.indexOf(':') >= 0) {
            throw new IllegalArgumentException(
                    "'" + host + "': write the host without a port; loopgate answers on its own port");
        }
        if (h.length() > 253 || !HOST.matcher(h).matches()) {
            throw new IllegalArgumentException(
                    "'" + host + "' is not a host name; write e.g. web.localhost or *.web.localhost");
        }
        return h;
    }

    /** Normalises a path prefix: leading {@code /}, no trailing {@code /} except for the root. */
    public static String checkPathPrefix(String path) {
        String p = path.trim();
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("'" + path + "' must start with /, e.g. /api");
        }
        if (p.indexOf('?') >= 0 || p.indexOf('#') >= 0 || p.indexOf(' ') >= 0) {
            throw new IllegalArgumentException(
                    "'" + path + "' must be a plain path prefix such as /api (no query, fragment or spaces)");
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
