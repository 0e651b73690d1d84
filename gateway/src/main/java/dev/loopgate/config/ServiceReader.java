package dev.loopgate.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** Reads the {@code services:} section: shorthand ports and URLs, full mappings, and cross-service conflicts. */
final class ServiceReader {
    private static final Set<String> SERVICE = new LinkedHashSet<>(List.of(
            "hosts",
            "paths",
            "strip_prefix",
            "backends",
            "port",
            "health",
            "response_timeout",
            "wait",
            "balance",
            "outlier",
            "command",
            "dir",
            "env",
            "ready",
            "autostart",
            "idle_stop",
            "restart",
            "redirect"));
    private static final Set<String> OUTLIER = new LinkedHashSet<>(List.of("consecutive_5xx"));
    private static final Set<String> HEALTH =
            new LinkedHashSet<>(List.of("path", "interval", "timeout", "healthy_threshold", "unhealthy_threshold"));

    private final YamlNodes yaml;
    private final ProcessReader processes;

    ServiceReader(YamlNodes yaml) {
        this.yaml = yaml;
        this.processes = new ProcessReader(yaml, ProcessReader.folderOf(yaml.source()));
    }

    Map<String, ServiceConfig> readAll(Node node, String adminHost) {
        Map<String, ServiceConfig> services = new LinkedHashMap<>();
        Map<String, Node> entries = yaml.namedEntries(node, "services");
        if (entries == null) {
            return services;
        }
        Map<String, String> claims = new HashMap<>();
        for (Map.Entry<String, Node> e : entries.entrySet()) {
            String path = "services." + e.getKey();
            try {
                Names.checkServiceName(e.getKey());
            } catch (IllegalArgumentException ex) {
                yaml.problem(e.getValue(), path, ex.getMessage());
                continue;
            }
            ServiceConfig service = read(e.getKey(), e.getValue(), path);
            if (service == null) {
                continue;
            }
            if (checkClaims(service, e.getValue(), path, adminHost, claims)) {
                services.put(service.name(), service);
            }
        }
        return services;
    }

    private boolean checkClaims(ServiceConfig s, Node at, String path, String adminHost, Map<String, String> claims) {
        boolean ok = true;
        for (String host : s.hosts()) {
            if (host.equals(adminHost)) {
                yaml.problem(at, path + ".hosts", "'" + host + "' is the admin host; choose another name");
                ok = false;
            }
            for (String p : s.paths()) {
                String owner = claims.putIfAbsent(host + " " + p, s.name());
                if (owner != null) {
                    yaml.problem(
                            at,
                            path,
                            "http://" + host + p + " is already routed to service '" + owner
                                    + "'; give one of them another host or path");
                    ok = false;
                }
            }
        }
        return ok;
    }

    private ServiceConfig read(String name, Node node, String path) {
        if (yaml.isScalar(node)) {
            BackendUrl backend = shorthandBackend(yaml.scalar(node, path), node, path);
            return backend == null ? null : ServiceConfig.shorthand(name, backend);
        }
        Map<String, Node> m = yaml.mapping(node, path, SERVICE);
        if (m == null) {
            return null;
        }
        int before = yaml.problems().size();
        List<String> hosts = m.containsKey("hosts")
                ? strings(m.get("hosts"), path + ".hosts", Names::checkHostPattern)
                : List.of(name + ".localhost");
        List<String> paths = m.containsKey("paths")
                ? strings(m.get("paths"), path + ".paths", Names::checkPathPrefix)
                : List.of("/");
        Boolean strip = m.containsKey("strip_prefix") ? yaml.bool(m.get("strip_prefix"), path + ".strip_prefix") : null;
        ProcessConfig process = processes.read(m, path);
        List<BackendUrl> backends =
                process != null || m.containsKey("command") ? commandBackends(m, path) : backends(m, node, path);
        HealthConfig health =
                m.containsKey("health") ? health(m.get("health"), path + ".health") : HealthConfig.DEFAULT;
        Duration responseTimeout = m.containsKey("response_timeout")
                ? yaml.duration(m.get("response_timeout"), path + ".response_timeout")
                : null;
        Duration wait = m.containsKey("wait") ? yaml.duration(m.get("wait"), path + ".wait") : null;
        boolean leastRequest = m.containsKey("balance") && leastRequest(m.get("balance"), path + ".balance");
        int outlier = m.containsKey("outlier") ? outlier(m.get("outlier"), path + ".outlier") : 0;
        if (hosts.isEmpty() && m.containsKey("hosts")) {
            yaml.problem(m.get("hosts"), path + ".hosts", "must name at least one host");
        }
        if (paths.isEmpty() && m.containsKey("paths")) {
            yaml.problem(m.get("paths"), path + ".paths", "must name at least one path prefix");
        }
        if (yaml.problems().size() > before) {
            return null;
        }
        return new ServiceConfig(
                name,
                distinct(hosts),
                distinct(paths),
                Boolean.TRUE.equals(strip),
                backends,
                health,
                responseTimeout,
                wait == null ? ServiceConfig.DEFAULT_WAIT : wait,
                leastRequest,
                outlier,
                process,
                m.containsKey("redirect") ? yaml.bool(m.get("redirect"), path + ".redirect") : null);
    }

    /**
     * A service with a command is served by it: on {@code port} when given, else on a port loopgate picks when it
     * starts the command (no backend yet here).
     */
    private List<BackendUrl> commandBackends(Map<String, Node> m, String path) {
        if (m.containsKey("backends")) {
            yaml.problem(
                    m.get("backends"),
                    path + ".backends",
                    "a service with a command is served by that command; remove backends (or the command)");
            return List.of();
        }
        if (!m.containsKey("port")) {
            return List.of();
        }
        Integer port = port(m.get("port"), path + ".port");
        return port == null ? List.of() : List.of(BackendUrl.localhost(port));
    }

    private List<BackendUrl> backends(Map<String, Node> m, Node service, String path) {
        if (m.containsKey("port") && m.containsKey("backends")) {
            yaml.problem(m.get("port"), path + ".port", "use either port or backends, not both");
            return List.of();
        }
        if (m.containsKey("port")) {
            Integer port = port(m.get("port"), path + ".port");
            return port == null ? List.of() : List.of(BackendUrl.localhost(port));
        }
        if (!m.containsKey("backends")) {
            yaml.problem(service, path, "needs a backend: add 'port: 5173' or 'backends: [http://127.0.0.1:5173]'");
            return List.of();
        }
        List<BackendUrl> out = new ArrayList<>();
        List<Node> items = yaml.list(m.get("backends"), path + ".backends");
        for (int i = 0; i < items.size(); i++) {
            String itemPath = path + ".backends[" + i + "]";
            BackendUrl b = shorthandBackend(yaml.scalar(items.get(i), itemPath), items.get(i), itemPath);
            if (b != null && !out.contains(b)) {
                out.add(b);
            }
        }
        if (items.isEmpty()) {
            yaml.problem(m.get("backends"), path + ".backends", "must list at least one backend URL");
        }
        return out;
    }

    /** A port number means {@code localhost:PORT}; anything else must be an {@code http://host:port} URL. */
    private BackendUrl shorthandBackend(String value, Node at, String path) {
        if (value == null) {
            return null;
        }
        if (value.matches("-?\\d+")) {
            Integer port = port(at, path);
            return port == null ? null : BackendUrl.localhost(port);
        }
        try {
            return BackendUrl.parse(value);
        } catch (IllegalArgumentException e) {
            yaml.problem(at, path, e.getMessage());
            return null;
        }
    }

    private Integer port(Node node, String path) {
        String v = yaml.scalar(node, path);
        if (v == null) {
            return null;
        }
        try {
            int p = Integer.parseInt(v.trim());
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        yaml.problem(node, path, "must be 1–65535, got '" + v + "'");
        return null;
    }

    private boolean leastRequest(Node node, String path) {
        String v = yaml.scalar(node, path);
        if ("least_request".equals(v)) {
            return true;
        }
        if (v != null && !v.equals("round_robin")) {
            yaml.problem(node, path, "must be round_robin or least_request, got '" + v + "'");
        }
        return false;
    }

    private int outlier(Node node, String path) {
        Map<String, Node> m = yaml.mapping(node, path, OUTLIER);
        if (m == null || !m.containsKey("consecutive_5xx")) {
            return 0;
        }
        String v = yaml.scalar(m.get("consecutive_5xx"), path + ".consecutive_5xx");
        if (v != null && v.matches("\\d{1,3}") && Integer.parseInt(v) >= 1) {
            return Integer.parseInt(v);
        }
        yaml.problem(m.get("consecutive_5xx"), path + ".consecutive_5xx", "must be a whole number from 1 to 999");
        return 0;
    }

    private HealthConfig health(Node node, String path) {
        Map<String, Node> m = yaml.mapping(node, path, HEALTH);
        HealthConfig d = HealthConfig.DEFAULT;
        if (m == null) {
            return d;
        }
        String p = d.path();
        if (m.containsKey("path")) {
            String v = yaml.scalar(m.get("path"), path + ".path");
            if (v != null && !v.startsWith("/")) {
                yaml.problem(m.get("path"), path + ".path", "must start with /, e.g. /health");
            } else if (v != null) {
                p = v;
            }
        }
        Duration interval = m.containsKey("interval") ? yaml.duration(m.get("interval"), path + ".interval") : null;
        Duration timeout = m.containsKey("timeout") ? yaml.duration(m.get("timeout"), path + ".timeout") : null;
        int healthy = threshold(m, "healthy_threshold", path, d.healthyThreshold());
        int unhealthy = threshold(m, "unhealthy_threshold", path, d.unhealthyThreshold());
        return new HealthConfig(
                p,
                interval == null ? d.interval() : interval,
                timeout == null ? d.timeout() : timeout,
                healthy,
                unhealthy);
    }

    private int threshold(Map<String, Node> m, String key, String path, int fallback) {
        if (!m.containsKey(key)) {
            return fallback;
        }
        String v = yaml.scalar(m.get(key), path + "." + key);
        if (v != null && v.matches("\\d{1,2}") && Integer.parseInt(v) >= 1) {
            return Integer.parseInt(v);
        }
        yaml.problem(m.get(key), path + "." + key, "must be a whole number from 1 to 99, got '" + v + "'");
        return fallback;
    }

    private List<String> strings(Node node, String path, java.util.function.UnaryOperator<String> check) {
        List<String> out = new ArrayList<>();
        List<Node> items = yaml.list(node, path);
        for (int i = 0; i < items.size(); i++) {
            String itemPath = path + "[" + i + "]";
            String v = yaml.scalar(items.get(i), itemPath);
            if (v == null) {
                continue;
            }
            try {
                out.add(check.apply(v));
            } catch (IllegalArgumentException e) {
                yaml.problem(items.get(i), itemPath, e.getMessage());
            }
        }
        return out;
    }

    private static List<String> distinct(List<String> in) {
        return List.copyOf(new LinkedHashSet<>(in));
    }
}
