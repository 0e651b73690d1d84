package dev.loopgate.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.HealthConfig;
import dev.loopgate.config.Names;
import dev.loopgate.registry.Registration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the Engine's container list ({@code GET /containers/json}) into routes: every running container with a
 * {@code loopgate.service} label becomes a backend of that service at its address and {@code loopgate.port}, with
 * optional {@code loopgate.host} and {@code loopgate.path} (comma-separated) and {@code loopgate.network}. A container
 * whose labels are wrong is left out with one problem line that names it and the label.
 */
final class Containers {
    static final String PREFIX = "loopgate.";

    private Containers() {}

    /** The routes, and one message per container whose labels could not be used. */
    record Discovered(List<Registration> routes, List<String> problems) {}

    static Discovered read(JsonNode list, String adminHost) {
        List<Registration> routes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode c : list) {
            JsonNode labels = c.path("Labels");
            if (!labels.has(PREFIX + "service")
                    || !"running".equals(c.path("State").asText("running"))) {
                continue;
            }
            try {
                routes.add(route(c, labels, adminHost));
            } catch (IllegalArgumentException e) {
                problems.add("container " + name(c) + ": " + e.getMessage());
            }
        }
        return new Discovered(routes, problems);
    }

    private static Registration route(JsonNode c, JsonNode labels, String adminHost) {
        String service = label(labels, "service");
        try {
            Names.checkServiceName(service);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label loopgate.service: " + e.getMessage());
        }
        String portText = label(labels, "port");
        if (portText == null) {
            throw new IllegalArgumentException("label loopgate.port is missing: add the port the container listens on,"
                    + " e.g. loopgate.port=3000");
        }
        if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
            throw new IllegalArgumentException("label loopgate.port: '" + portText + "' must be a port, 1-65535");
        }
        int port = Integer.parseInt(portText);
        List<String> hosts = new ArrayList<>();
        for (String h : list(label(labels, "host"), service + ".localhost")) {
            try {
                String host = Names.checkHostPattern(h);
                if (host.equals(adminHost)) {
                    throw new IllegalArgumentException("'" + host + "' is the admin host");
                }
                hosts.add(host);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("label loopgate.host: " + e.getMessage());
            }
        }
        List<String> paths = new ArrayList<>();
        for (String p : list(label(labels, "path"), "/")) {
            try {
                paths.add(Names.checkPathPrefix(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("label loopgate.path: " + e.getMessage());
            }
        }
        BackendUrl url = new BackendUrl(address(c, label(labels, "network")), port);
        return new Registration(
                service,
                url.authority(),
                url,
                List.copyOf(new LinkedHashSet<>(hosts)),
                List.copyOf(new LinkedHashSet<>(paths)),
                false,
                HealthConfig.DEFAULT,
                null,
                null);
    }

    /**
     * Where to reach the container: loopback for host networking, else its address on the network the
     * {@code loopgate.network} label names, or on the first of its networks by name.
     */
    static String address(JsonNode c, String network) {
        if ("host".equals(c.path("HostConfig").path("NetworkMode").asText())) {
            return "127.0.0.1";
        }
        Map<String, String> addresses = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        c.path("NetworkSettings").path("Networks").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> n = it.next();
            String ip = n.getValue().path("IPAddress").asText("");
            if (!ip.isEmpty()) {
                addresses.put(n.getKey(), ip);
            }
        }
        if (network != null) {
            String ip = addresses.get(network);
            if (ip == null) {
                throw new IllegalArgumentException("label loopgate.network: the container has no address on '" + network
                        + "' (its networks: " + String.join(", ", addresses.keySet()) + ")");
            }
            return ip;
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException(
                    "it has no network address (network_mode: none?); give it a network or use host networking");
        }
        return addresses.values().iterator().next();
    }

    private static String label(JsonNode labels, String name) {
        JsonNode v = labels.get(PREFIX + name);
        return v == null || v.asText().isBlank() ? null : v.asText().trim();
    }

    private static List<String> list(String value, String fallback) {
        if (value == null) {
            return List.of(fallback);
        }
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out.isEmpty() ? List.of(fallback) : out;
    }

    static String name(JsonNode c) {
        JsonNode names = c.path("Names");
        String n = names.isArray() && !names.isEmpty()
                ? names.get(0).asText()
                : c.path("Id").asText("?");
        return n.startsWith("/") ? n.substring(1) : n;
    }
}
