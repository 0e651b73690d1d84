package dev.loopgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.Durations;
import dev.loopgate.config.HealthConfig;
import dev.loopgate.config.IpLiteral;
import dev.loopgate.config.Names;
import dev.loopgate.registry.Registration;
import dev.loopgate.registry.RegistryException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code PUT /api/v1/services/{service}/backends/{id}}, checked field by field so that every refusal
 * names the field at fault. Only {@code url} is required.
 */
final class RegistrationRequest {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    private static final Set<String> FIELDS = Set.of("url", "ttl", "hosts", "paths", "strip_prefix", "health");
    private static final Set<String> HEALTH_FIELDS =
            Set.of("path", "interval", "timeout", "healthy_threshold", "unhealthy_threshold");
    private static final Duration MIN_TTL = Duration.ofSeconds(1);

    private RegistrationRequest() {}

    static Registration parse(String service, String id, JsonNode body, String adminHost, Instant now)
            throws RegistryException {
        return parse(service, id, body, adminHost, now, false);
    }

    /** @param networkBackends whether the URL may name other hosts of a container network, not only loopback */
    static Registration parse(
            String service, String id, JsonNode body, String adminHost, Instant now, boolean networkBackends)
            throws RegistryException {
        try {
            Names.checkServiceName(service);
        } catch (IllegalArgumentException e) {
            throw bad("service", e.getMessage());
        }
        if (!ID.matcher(id).matches()) {
            throw bad("id", "'" + id + "' is not a valid backend id: use 1–128 letters, digits and . _ : @ -");
        }
        if (body == null || !body.isObject()) {
            throw bad(null, "the body must be a JSON object such as {\"url\": \"http://127.0.0.1:5173\"}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                String hint = dev.loopgate.config.DidYouMean.closest(f, FIELDS);
                throw bad(f, "unknown field" + (hint == null ? "" : "; did you mean '" + hint + "'?"));
            }
        }
        BackendUrl url = url(body.get("url"), networkBackends);
        Duration ttl = body.has("ttl") ? ttl(body.get("ttl")) : null;
        List<String> hosts = body.has("hosts") ? strings(body.get("hosts"), "hosts") : List.of(service + ".localhost");
        List<String> normalizedHosts = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            try {
                String h = Names.checkHostPattern(hosts.get(i));
                if (h.equals(adminHost)) {
                    throw bad("hosts[" + i + "]", "'" + h + "' is the admin host; choose another name");
                }
                normalizedHosts.add(h);
            } catch (IllegalArgumentException e) {
                throw bad("hosts[" + i + "]", e.getMessage());
            }
        }
        List<String> paths = body.has("paths") ? strings(body.get("paths"), "paths") : List.of("/");
        List<String> normalizedPaths = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            try {
                normalizedPaths.add(Names.checkPathPrefix(paths.get(i)));
            } catch (IllegalArgumentException e) {
                throw bad("paths[" + i + "]", e.getMessage());
            }
        }
        if (normalizedHosts.isEmpty()) {
            throw bad("hosts", "must name at least one host");
        }
        if (normalizedPaths.isEmpty()) {
            throw bad("paths", "must name at least one path prefix");
        }
        boolean strip = false;
        if (body.has("strip_prefix")) {
            if (!body.get("strip_prefix").isBoolean()) {
                throw bad("strip_prefix", "must be true or false");
            }
            strip = body.get("strip_prefix").asBoolean();
        }
        HealthConfig health = body.has("health") ? health(body.get("health")) : HealthConfig.DEFAULT;
        return new Registration(
                service,
                id,
                url,
                List.copyOf(new java.util.LinkedHashSet<>(normalizedHosts)),
                List.copyOf(new java.util.LinkedHashSet<>(normalizedPaths)),
                strip,
                health,
                ttl,
                ttl == null ? null : now.plus(ttl));
    }

    private static BackendUrl url(JsonNode node, boolean networkBackends) throws RegistryException {
        if (node == null || !node.isTextual()) {
            throw bad("url", "is required, e.g. \"http://127.0.0.1:5173\"");
        }
        BackendUrl url;
        try {
            url = BackendUrl.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw bad("url", e.getMessage());
        }
        if (networkBackends) {
            if (isLinkLocalOrUnspecified(url.host())) {
                throw bad(
                        "url",
                        "'" + url.host() + "' is a link-local or unspecified address: loopgate does not forward to"
                                + " cloud metadata endpoints or 0.0.0.0; name the service instead");
            }
            return url;
        }
        if (!isLoopback(url.host())) {
            throw bad(
                    "url",
                    "'" + url.host() + "' is not a loopback address: loopgate forwards only to this machine"
                            + " (localhost, 127.0.0.1 or ::1)");
        }
        return url;
    }

    /** 169.254.0.0/16, fe80::/10, 0.0.0.0 and :: (and multicast), checked on literals; names pass. */
    static boolean isLinkLocalOrUnspecified(String host) {
        InetAddress a = IpLiteral.parse(host);
        return a != null && (a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress());
    }

    /** Loopback only, checked on the literal: a name other than localhost could resolve anywhere later. */
    static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        InetAddress a = IpLiteral.parse(host);
        return a != null && a.isLoopbackAddress();
    }

    private static Duration ttl(JsonNode node) throws RegistryException {
        if (!node.isTextual()) {
            throw bad("ttl", "must be a duration with a unit, e.g. \"30s\"");
        }
        try {
            Duration d = Durations.parse(node.asText());
            if (d.compareTo(MIN_TTL) < 0) {
                throw bad("ttl", "must be at least 1s");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw bad("ttl", e.getMessage());
        }
    }

    private static List<String> strings(JsonNode node, String field) throws RegistryException {
        if (!node.isArray()) {
            throw bad(field, "must be a list of strings, e.g. [\"api.localhost\"]");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw bad(field + "[" + i + "]", "must be a string");
            }
            out.add(node.get(i).asText());
        }
        return out;
    }

    private static HealthConfig health(JsonNode node) throws RegistryException {
        if (!node.isObject()) {
            throw bad("health", "must be an object such as {\"path\": \"/health\", \"interval\": \"2s\"}");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!HEALTH_FIELDS.contains(f)) {
                throw bad("health." + f, "unknown field");
            }
        }
        HealthConfig d = HealthConfig.DEFAULT;
        String path = node.has("path") ? node.get("path").asText() : d.path();
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw bad("health.path", "must start with /, e.g. /health");
        }
        try {
            Duration interval =
                    node.has("interval") ? Durations.parse(node.get("interval").asText()) : d.interval();
            Duration timeout =
                    node.has("timeout") ? Durations.parse(node.get("timeout").asText()) : d.timeout();
            return new HealthConfig(
                    path,
                    interval,
                    timeout,
                    threshold(node, "healthy_threshold", d.healthyThreshold()),
                    threshold(node, "unhealthy_threshold", d.unhealthyThreshold()));
        } catch (IllegalArgumentException e) {
            throw bad("health", e.getMessage());
        }
    }

    private static int threshold(JsonNode health, String field, int fallback) {
        if (!health.has(field)) {
            return fallback;
        }
        JsonNode v = health.get(field);
        if (!v.isInt() || v.asInt() < 1 || v.asInt() > 99) {
            throw new IllegalArgumentException(field + " must be a whole number from 1 to 99");
        }
        return v.asInt();
    }

    private static RegistryException bad(String field, String message) {
        return new RegistryException(400, field, message);
    }
}
