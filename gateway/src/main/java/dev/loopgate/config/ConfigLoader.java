package dev.loopgate.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Turns a YAML file into a validated {@link GatewayConfig}, or a {@link ConfigException} listing every problem. */
public final class ConfigLoader {
    private static final Set<String> TOP = ordered(
            "listen",
            "admin",
            "services",
            "limits",
            "timeouts",
            "trusted_proxies",
            "hosts_file",
            "dns",
            "inspector",
            "docker",
            "https");
    private static final Set<String> HTTPS = ordered("listen", "redirect", "names");
    private static final Set<String> DOCKER = ordered("enabled", "endpoint");
    static final String DEFAULT_DOCKER_ENDPOINT = "unix:///var/run/docker.sock";
    private static final Set<String> INSPECTOR = ordered("size");
    private static final Set<String> HOSTS_FILE = ordered("sync", "path");
    private static final Set<String> DNS = ordered("listen");
    private static final Set<String> ADMIN = ordered("host");
    private static final Set<String> LIMITS = ordered("request_line", "headers");
    private static final Set<String> TIMEOUTS =
            ordered("connect", "response_headers", "client_headers", "keep_alive", "backend_idle", "shutdown");

    /** Suffixes the CA never signs for: a leaked key must not be able to impersonate a real site. */
    private static final Set<String> PUBLIC_TLDS =
            Set.of("com", "org", "net", "io", "dev", "app", "de", "uk", "fr", "nl", "us", "co", "ai", "me", "edu");

    private ConfigLoader() {}

    /** A config file is a few kilobytes; one much larger is a mistake (a log written over it, say). */
    public static final long MAX_FILE_BYTES = 1024 * 1024;

    public static GatewayConfig load(Path file) throws ConfigException {
        String text;
        try {
            checkSize(file.toString(), Files.size(file));
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw single(file.toString(), "file not found");
        } catch (IOException e) {
            throw single(file.toString(), "cannot be read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static GatewayConfig parse(String text, String source) throws ConfigException {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(
                    List.of(new ConfigException.Problem(source, line, "", "not valid YAML: " + e.getProblem())));
        } catch (YAMLException e) {
            throw single(source, "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            GatewayConfig d = GatewayConfig.defaults();
            return new GatewayConfig(
                    d.listen(),
                    false,
                    d.adminHost(),
                    d.services(),
                    d.limits(),
                    d.timeouts(),
                    d.trustedProxies(),
                    source);
        }
        YamlNodes yaml = new YamlNodes(source);
        GatewayConfig config = new Reader(yaml, source).read(root);
        if (!yaml.problems().isEmpty()) {
            List<ConfigException.Problem> problems = new ArrayList<>(yaml.problems());
            problems.sort(java.util.Comparator.comparingInt(ConfigException.Problem::line));
            throw new ConfigException(problems);
        }
        return config;
    }

    /** Refuses a file over {@link #MAX_FILE_BYTES} before it is read. */
    public static void checkSize(String source, long bytes) throws ConfigException {
        if (bytes > MAX_FILE_BYTES) {
            throw single(
                    source,
                    "the file is " + String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0)
                            + " MiB; a config file may be at most 1 MiB (is this the right file?)");
        }
    }

    private static ConfigException single(String source, String message) {
        return new ConfigException(List.of(new ConfigException.Problem(source, 0, "", message)));
    }

    private static Set<String> ordered(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }

    /** One pass over the tree; problems accumulate in {@link YamlNodes} and placeholders keep the walk going. */
    private static final class Reader {
        private final YamlNodes yaml;
        private final String source;

        Reader(YamlNodes yaml, String source) {
            this.yaml = yaml;
            this.source = source;
        }

        GatewayConfig read(Node root) {
            GatewayConfig d = GatewayConfig.defaults();
            Map<String, Node> top = yaml.mapping(root, "", TOP);
            if (top == null) {
                return d;
            }
            ListenAddress listen =
                    top.containsKey("listen") ? readListen(top.get("listen"), "listen", d.listen()) : d.listen();
            String adminHost = readAdmin(top.get("admin"), d.adminHost());
            Limits limits = readLimits(top.get("limits"));
            Timeouts timeouts = readTimeouts(top.get("timeouts"));
            List<Cidr> trusted = readTrusted(top.get("trusted_proxies"));
            Map<String, ServiceConfig> services = new LinkedHashMap<>();
            if (top.containsKey("services") && !isNull(top.get("services"))) {
                services = new ServiceReader(yaml).readAll(top.get("services"), adminHost);
            }
            return new GatewayConfig(
                    listen,
                    top.containsKey("listen"),
                    adminHost,
                    services,
                    limits,
                    timeouts,
                    trusted,
                    source,
                    readHostsFile(top.get("hosts_file")),
                    readDns(top.get("dns")),
                    readInspector(top.get("inspector")),
                    readDocker(top.get("docker")),
                    readHttps(top.get("https")));
        }

        private HttpsConfig readHttps(Node node) {
            HttpsConfig d = HttpsConfig.DEFAULT;
            if (node == null || isNull(node)) {
                return d;
            }
            Map<String, Node> m = yaml.mapping(node, "https", HTTPS);
            if (m == null) {
                return d;
            }
            ListenAddress listen =
                    m.containsKey("listen") ? readListen(m.get("listen"), "https.listen", d.listen()) : d.listen();
            boolean redirect =
                    m.containsKey("redirect") && Boolean.TRUE.equals(yaml.bool(m.get("redirect"), "https.redirect"));
            List<String> names = new java.util.ArrayList<>();
            if (m.containsKey("names") && !isNull(m.get("names"))) {
                List<Node> items = yaml.list(m.get("names"), "https.names");
                for (int i = 0; items != null && i < items.size(); i++) {
                    String path = "https.names[" + i + "]";
                    String v = yaml.scalar(items.get(i), path);
                    if (v == null) {
                        continue;
                    }
                    String suffix = v.trim().replaceFirst("^\\*?\\.", "").toLowerCase(java.util.Locale.ROOT);
                    if (!suffix.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
                        yaml.problem(items.get(i), path, "'" + v + "' is not a DNS suffix; write e.g. .test");
                    } else if (!suffix.contains(".") && PUBLIC_TLDS.contains(suffix)) {
                        yaml.problem(
                                items.get(i),
                                path,
                                "'" + v + "' is a public top-level domain; the CA signs only names nobody else owns"
                                        + " (e.g. .test, .internal)");
                    } else {
                        names.add(suffix);
                    }
                }
            }
            return new HttpsConfig(listen, m.containsKey("listen"), redirect, names);
        }

        private String readDocker(Node node) {
            if (node == null) {
                return null;
            }
            Map<String, Node> m = yaml.mapping(node, "docker", DOCKER);
            if (m == null
                    || !m.containsKey("enabled")
                    || !Boolean.TRUE.equals(yaml.bool(m.get("enabled"), "docker.enabled"))) {
                return null;
            }
            if (!m.containsKey("endpoint")) {
                return DEFAULT_DOCKER_ENDPOINT;
            }
            String v = yaml.scalar(m.get("endpoint"), "docker.endpoint");
            if (v != null && v.matches("unix:///\\S+")) {
                return v;
            }
            yaml.problem(
                    m.get("endpoint"),
                    "docker.endpoint",
                    "must be the Engine's unix socket, e.g. " + DEFAULT_DOCKER_ENDPOINT);
            return null;
        }

        private int readInspector(Node node) {
            int fallback = 1000;
            if (node == null) {
                return fallback;
            }
            Map<String, Node> m = yaml.mapping(node, "inspector", INSPECTOR);
            if (m == null || !m.containsKey("size")) {
                return fallback;
            }
            String v = yaml.scalar(m.get("size"), "inspector.size");
            if (v != null && v.matches("\\d{1,6}")) {
                return Integer.parseInt(v);
            }
            yaml.problem(m.get("size"), "inspector.size", "must be a number of requests from 0 (off) to 999999");
            return fallback;
        }

        private java.nio.file.Path readHostsFile(Node node) {
            if (node == null) {
                return null;
            }
            Map<String, Node> m = yaml.mapping(node, "hosts_file", HOSTS_FILE);
            if (m == null
                    || !m.containsKey("sync")
                    || !Boolean.TRUE.equals(yaml.bool(m.get("sync"), "hosts_file.sync"))) {
                return null;
            }
            String path = m.containsKey("path") ? yaml.scalar(m.get("path"), "hosts_file.path") : "/etc/hosts";
            return path == null ? null : java.nio.file.Paths.get(path);
        }

        private ListenAddress readDns(Node node) {
            if (node == null) {
                return null;
            }
            Map<String, Node> m = yaml.mapping(node, "dns", DNS);
            if (m == null || !m.containsKey("listen")) {
                return null;
            }
            return readListen(m.get("listen"), "dns.listen", null);
        }

        /** An address and port at {@code path}; {@code fallback} (after reporting the problem) when it is not one. */
        private ListenAddress readListen(Node node, String path, ListenAddress fallback) {
            String v = yaml.scalar(node, path);
            if (v == null) {
                return fallback;
            }
            try {
                return ListenAddress.parse(v);
            } catch (IllegalArgumentException e) {
                yaml.problem(node, path, e.getMessage());
                return fallback;
            }
        }

        private static boolean isNull(Node node) {
            return node.getTag().getValue().endsWith(":null");
        }

        private String readAdmin(Node node, String fallback) {
            if (node == null) {
                return fallback;
            }
            Map<String, Node> admin = yaml.mapping(node, "admin", ADMIN);
            if (admin == null || !admin.containsKey("host")) {
                return fallback;
            }
            String v = yaml.scalar(admin.get("host"), "admin.host");
            if (v == null) {
                return fallback;
            }
            try {
                String host = Names.checkHostPattern(v);
                if (host.startsWith("*.")) {
                    yaml.problem(admin.get("host"), "admin.host", "must be one host name, not a wildcard");
                    return fallback;
                }
                return host;
            } catch (IllegalArgumentException e) {
                yaml.problem(admin.get("host"), "admin.host", e.getMessage());
                return fallback;
            }
        }

        private Limits readLimits(Node node) {
            Limits d = Limits.DEFAULT;
            if (node == null) {
                return d;
            }
            Map<String, Node> m = yaml.mapping(node, "limits", LIMITS);
            if (m == null) {
                return d;
            }
            Integer line = m.containsKey("request_line")
                    ? yaml.size(m.get("request_line"), "limits.request_line", 1024, 1024 * 1024)
                    : null;
            Integer headers = m.containsKey("headers")
                    ? yaml.size(m.get("headers"), "limits.headers", 4096, 16 * 1024 * 1024)
                    : null;
            return new Limits(line == null ? d.maxRequestLine() : line, headers == null ? d.maxHeaderSize() : headers);
        }

        private Timeouts readTimeouts(Node node) {
            Timeouts d = Timeouts.DEFAULT;
            if (node == null) {
                return d;
            }
            Map<String, Node> m = yaml.mapping(node, "timeouts", TIMEOUTS);
            if (m == null) {
                return d;
            }
            return new Timeouts(
                    duration(m, "connect", d.connect()),
                    duration(m, "response_headers", d.responseHeaders()),
                    duration(m, "client_headers", d.clientHeaders()),
                    duration(m, "keep_alive", d.keepAlive()),
                    duration(m, "backend_idle", d.backendIdle()),
                    duration(m, "shutdown", d.shutdown()));
        }

        private Duration duration(Map<String, Node> m, String key, Duration fallback) {
            if (!m.containsKey(key)) {
                return fallback;
            }
            Duration v = yaml.duration(m.get(key), "timeouts." + key);
            if (v != null && v.isZero()) {
                yaml.problem(m.get(key), "timeouts." + key, "must be more than 0");
                return fallback;
            }
            return v == null ? fallback : v;
        }

        private List<Cidr> readTrusted(Node node) {
            List<Cidr> out = new ArrayList<>();
            if (node == null) {
                return out;
            }
            List<Node> items = yaml.list(node, "trusted_proxies");
            for (int i = 0; i < items.size(); i++) {
                String path = "trusted_proxies[" + i + "]";
                String v = yaml.scalar(items.get(i), path);
                if (v == null) {
                    continue;
                }
                try {
                    out.add(Cidr.parse(v));
                } catch (IllegalArgumentException e) {
                    yaml.problem(items.get(i), path, e.getMessage());
                }
            }
            return out;
        }
    }
}
