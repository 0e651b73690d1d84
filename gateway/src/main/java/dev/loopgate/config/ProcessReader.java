package dev.loopgate.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** Reads a service's process keys ({@code command}, {@code dir}, {@code env}, {@code ready}, lifecycle). */
final class ProcessReader {
    static final Set<String> KEYS =
            new LinkedHashSet<>(List.of("command", "dir", "env", "ready", "autostart", "idle_stop", "restart"));
    private static final Set<String> READY = new LinkedHashSet<>(List.of("path", "timeout"));

    private final YamlNodes yaml;
    private final Path base;

    /** {@code base}: the config file's folder, against which {@code dir} is resolved. */
    ProcessReader(YamlNodes yaml, Path base) {
        this.yaml = yaml;
        this.base = base;
    }

    /** The config file's folder, or the working directory for a config that is not from a file. */
    static Path folderOf(String source) {
        try {
            Path p = Path.of(source).toAbsolutePath();
            return p.getParent() == null ? p : p.getParent();
        } catch (InvalidPathException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    /** The process of a service mapping, {@code null} without a {@code command} (other keys are then problems). */
    ProcessConfig read(Map<String, Node> m, String path) {
        if (!m.containsKey("command")) {
            for (String key : KEYS) {
                if (m.containsKey(key)) {
                    yaml.problem(
                            m.get(key), path + "." + key, "only applies with a command; add 'command:' or remove it");
                }
            }
            return null;
        }
        String command = yaml.scalar(m.get("command"), path + ".command");
        if (command != null && command.isBlank()) {
            yaml.problem(m.get("command"), path + ".command", "must not be empty");
            command = null;
        }
        Path dir = dir(m.get("dir"), path + ".dir");
        Map<String, String> env = env(m.get("env"), path + ".env");
        String readyPath = null;
        Duration readyTimeout = ProcessConfig.DEFAULT_READY_TIMEOUT;
        if (m.containsKey("ready")) {
            Map<String, Node> r = yaml.mapping(m.get("ready"), path + ".ready", READY);
            if (r != null && r.containsKey("path")) {
                readyPath = yaml.scalar(r.get("path"), path + ".ready.path");
                if (readyPath != null && !readyPath.startsWith("/")) {
                    yaml.problem(r.get("path"), path + ".ready.path", "must start with /, e.g. /health");
                }
            }
            if (r != null && r.containsKey("timeout")) {
                Duration t = yaml.duration(r.get("timeout"), path + ".ready.timeout");
                readyTimeout = t == null || t.isZero() ? readyTimeout : t;
            }
        }
        Boolean autostart = m.containsKey("autostart") ? yaml.bool(m.get("autostart"), path + ".autostart") : null;
        Duration idleStop = m.containsKey("idle_stop") ? idleStop(m.get("idle_stop"), path + ".idle_stop") : null;
        ProcessConfig.Restart restart = m.containsKey("restart")
                ? restart(m.get("restart"), path + ".restart")
                : ProcessConfig.Restart.ON_FAILURE;
        if (command == null || dir == null || env == null) {
            return null;
        }
        return new ProcessConfig(
                command, dir, env, readyPath, readyTimeout, Boolean.TRUE.equals(autostart), idleStop, restart);
    }

    private Path dir(Node node, String path) {
        if (node == null) {
            return base;
        }
        String v = yaml.scalar(node, path);
        if (v == null) {
            return null;
        }
        try {
            return base.resolve(v).normalize();
        } catch (InvalidPathException e) {
            yaml.problem(node, path, "is not a valid path: " + e.getReason());
            return null;
        }
    }

    private Map<String, String> env(Node node, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        Map<String, Node> m = yaml.namedEntries(node, path);
        if (m == null) {
            return null;
        }
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                yaml.problem(e.getValue(), path + "." + e.getKey(), "is not a valid environment variable name");
                continue;
            }
            String v = yaml.scalar(e.getValue(), path + "." + e.getKey());
            if (v != null) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    private Duration idleStop(Node node, String path) {
        String v = yaml.scalar(node, path);
        if (v == null || v.equals("never")) {
            return null;
        }
        Duration d = yaml.duration(node, path);
        return d == null || d.isZero() ? null : d;
    }

    private ProcessConfig.Restart restart(Node node, String path) {
        String v = yaml.scalar(node, path);
        for (ProcessConfig.Restart r : ProcessConfig.Restart.values()) {
            if (r.label().equals(v)) {
                return r;
            }
        }
        if (v != null) {
            yaml.problem(node, path, "must be no, on-failure or always, got '" + v + "'");
        }
        return ProcessConfig.Restart.ON_FAILURE;
    }
}
