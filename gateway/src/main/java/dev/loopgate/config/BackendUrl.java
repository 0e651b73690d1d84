package dev.loopgate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a service's backend listens: {@code http://host:port}. The host {@code localhost} means both 127.0.0.1 and
 * ::1, because dev servers often bind only one of them.
 */
public record BackendUrl(String host, int port) {
    public BackendUrl {
        host = host.toLowerCase(Locale.ROOT);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1–65535, got " + port);
        }
    }

    public static BackendUrl localhost(int port) {
        return new BackendUrl("localhost", port);
    }

    /** Parses {@code http://host:port} (a trailing {@code /} is allowed; paths, queries and credentials are not). */
    public static BackendUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL; write e.g. http://127.0.0.1:5173");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "'" + text + "' must start with http:// (loopgate talks plain HTTP to local backends)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' has no host; write e.g. http://127.0.0.1:5173");
        }
        if (uri.getPort() < 0) {
            throw new IllegalArgumentException("'" + text + "' has no port; write e.g. http://127.0.0.1:5173");
        }
        if (uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || !(uri.getRawPath() == null
                        || uri.getRawPath().isEmpty()
                        || uri.getRawPath().equals("/"))) {
            throw new IllegalArgumentException(
                    "'" + text + "' must be only scheme, host and port, e.g. http://127.0.0.1:5173");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new BackendUrl(host, uri.getPort());
    }

    /** The backend id used in logs, the API and metrics when none was given: {@code host:port}. */
    public String id() {
        return authority();
    }

    public String authority() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    public boolean isLocalhostName() {
        return host.equals("localhost");
    }

    @Override
    public String toString() {
        return "http://" + authority();
    }
}
