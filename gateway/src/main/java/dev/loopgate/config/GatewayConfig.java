package dev.loopgate.config;

import java.util.List;
import java.util.Map;

/**
 * A whole, validated configuration. Immutable: a reload builds a new one and swaps it in.
 *
 * @param listenFromFile whether {@code listen} was written in the file (a default port may fall back, a chosen one not)
 * @param source where it came from, for messages ("built-in defaults" when there is no file)
 * @param hostsFile the hosts file kept in sync with the served names, or {@code null} for none
 * @param dnsListen where the DNS responder answers, or {@code null} for none
 * @param inspectorSize how many recent exchanges the request inspector keeps; 0 turns it off
 * @param dockerEndpoint the Docker Engine socket to discover labelled containers from, or {@code null} for none
 * @param https the HTTPS listener and its CA's names
 */
public record GatewayConfig(
        ListenAddress listen,
        boolean listenFromFile,
        String adminHost,
        Map<String, ServiceConfig> services,
        Limits limits,
        Timeouts timeouts,
        List<Cidr> trustedProxies,
        String source,
        java.nio.file.Path hostsFile,
        ListenAddress dnsListen,
        int inspectorSize,
        String dockerEndpoint,
        HttpsConfig https) {

    public static final String DEFAULT_ADMIN_HOST = "loopgate.localhost";

    public GatewayConfig(
            ListenAddress listen,
            boolean listenFromFile,
            String adminHost,
            Map<String, ServiceConfig> services,
            Limits limits,
            Timeouts timeouts,
            List<Cidr> trustedProxies,
            String source) {
        this(
                listen,
                listenFromFile,
                adminHost,
                services,
                limits,
                timeouts,
                trustedProxies,
                source,
                null,
                null,
                1000,
                null,
                HttpsConfig.DEFAULT);
    }

    public GatewayConfig {
        services = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(services));
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** The same configuration with other services (ports filled in for the commands loopgate runs, say). */
    public GatewayConfig withServices(Map<String, ServiceConfig> others) {
        return new GatewayConfig(
                listen,
                listenFromFile,
                adminHost,
                others,
                limits,
                timeouts,
                trustedProxies,
                source,
                hostsFile,
                dnsListen,
                inspectorSize,
                dockerEndpoint,
                https);
    }

    /** The same configuration with another HTTPS listener (a {@code --https-port} given at start, say). */
    public GatewayConfig withHttps(HttpsConfig other) {
        return new GatewayConfig(
                listen,
                listenFromFile,
                adminHost,
                services,
                limits,
                timeouts,
                trustedProxies,
                source,
                hostsFile,
                dnsListen,
                inspectorSize,
                dockerEndpoint,
                other);
    }

    /** The configuration a gateway runs with when there is no file at all: nothing routed yet. */
    public static GatewayConfig defaults() {
        return new GatewayConfig(
                ListenAddress.DEFAULT,
                false,
                DEFAULT_ADMIN_HOST,
                Map.of(),
                Limits.DEFAULT,
                Timeouts.DEFAULT,
                List.of(),
                "built-in defaults");
    }
}
