package dev.loopgate.admin;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Which browser origins may talk to the admin host: only loopback ones (the admin host, localhost, loopback IPs). */
final class Origins {
    private Origins() {}

    static boolean isLocal(String origin, String adminHost) {
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        if (uri.getHost() == null
                || !"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            return false;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.equals(adminHost) || host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    /**
     * Whether the origin is exactly the admin host on this gateway (http on its port, or https on its HTTPS port): the
     * only page whose cookie may change state.
     */
    static boolean isAdmin(String origin, String adminHost, int port, int httpsPort) {
        if (origin == null) {
            return false;
        }
        try {
            URI uri = new URI(origin.trim());
            boolean https = "https".equalsIgnoreCase(uri.getScheme());
            int p = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
            return (https ? httpsPort != 0 && p == httpsPort : "http".equalsIgnoreCase(uri.getScheme()) && p == port)
                    && adminHost.equalsIgnoreCase(uri.getHost())
                    && (uri.getPath() == null || uri.getPath().isEmpty());
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
