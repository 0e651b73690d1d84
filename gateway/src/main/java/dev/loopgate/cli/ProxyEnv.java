package dev.loopgate.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment that sends a process's plain-HTTP requests for {@code *.localhost} names through loopgate as a
 * forward proxy, for runtimes whose resolver does not know those names. HTTPS is left alone (loopgate serves plain
 * HTTP), and loopback addresses stay direct.
 */
final class ProxyEnv {
    /**
     * Hosts that bypass the proxy: loopback literals, which any client can reach directly. Not {@code localhost}:
     * curl, Python and Go read that entry as "localhost and every name under it", which would send
     * {@code *.localhost} direct too; loopgate relays {@code http://localhost:PORT} to that port instead.
     */
    static final String NO_PROXY = "127.0.0.1,::1,[::1]";

    private ProxyEnv() {}

    static Map<String, String> variables(String gatewayAddress) {
        java.net.URI uri = java.net.URI.create(gatewayAddress);
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String proxy = "http://" + host + ":" + port;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTP_PROXY", proxy);
        env.put("http_proxy", proxy);
        env.put("NO_PROXY", NO_PROXY);
        env.put("no_proxy", NO_PROXY);
        env.put(
                "JAVA_TOOL_OPTIONS",
                "-Dhttp.proxyHost=" + host + " -Dhttp.proxyPort=" + port
                        + " -Dhttp.nonProxyHosts=localhost|127.*|[::1]");
        env.put("NODE_USE_ENV_PROXY", "1");
        return env;
    }

    /**
     * Adds what makes HTTPS to {@code *.localhost} verify in tools that do not read the system store, when loopgate
     * has a CA: Node's extra roots, a combined bundle for OpenSSL-based tools, a JVM truststore. Nothing when it has
     * none yet (HTTPS never started and {@code loopgate trust} never ran).
     */
    static Map<String, String> withTrust(Map<String, String> env, dev.loopgate.StateDir stateDir)
            throws java.io.IOException, java.security.GeneralSecurityException {
        java.nio.file.Path caDir = stateDir.path().resolve("ca");
        if (!java.nio.file.Files.exists(caDir.resolve("root.pem"))) {
            return env;
        }
        dev.loopgate.tls.TrustBundle.Written files = dev.loopgate.tls.TrustBundle.write(caDir, System.getenv());
        Map<String, String> out = new LinkedHashMap<>(env);
        out.put("NODE_EXTRA_CA_CERTS", files.root().toString());
        out.put("SSL_CERT_FILE", files.bundle().toString());
        out.put("REQUESTS_CA_BUNDLE", files.bundle().toString());
        out.put("CURL_CA_BUNDLE", files.bundle().toString());
        out.merge(
                "JAVA_TOOL_OPTIONS",
                "-Djavax.net.ssl.trustStore=" + files.truststore() + " -Djavax.net.ssl.trustStoreType=PKCS12"
                        + " -Djavax.net.ssl.trustStorePassword=" + dev.loopgate.tls.TrustBundle.STORE_PASSWORD,
                (a, b) -> a + " " + b);
        return out;
    }

    static String render(Map<String, String> env, String shell) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String v = e.getValue();
            switch (shell) {
                case "fish" -> out.append("set -gx ")
                        .append(e.getKey())
                        .append(' ')
                        .append(quote(v))
                        .append(";\n");
                case "powershell" -> out.append("$env:")
                        .append(e.getKey())
                        .append(" = \"")
                        .append(v.replace("`", "``").replace("\"", "`\"").replace("$", "`$"))
                        .append("\"\n");
                default -> out.append("export ")
                        .append(e.getKey())
                        .append('=')
                        .append(quote(v))
                        .append('\n');
            }
        }
        String comment = shell.equals("powershell") ? "# " : "# ";
        out.append(comment).append("Node's fetch ignores HTTP_PROXY before Node 24: see docs/service-to-service.md\n");
        return out.toString();
    }

    private static String quote(String v) {
        return "'" + v.replace("'", "'\\''") + "'";
    }
}
