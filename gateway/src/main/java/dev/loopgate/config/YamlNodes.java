package dev.loopgate.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a composed YAML node tree and records every problem with its key path and line, so that one load reports
 * all mistakes in a file rather than the first.
 */
final class YamlNodes {
    private final String source;
    private final List<ConfigException.Problem> problems = new ArrayList<>();

    YamlNodes(String source) {
        this.source = source;
    }

    List<ConfigException.Problem> problems() {
        return problems;
    }

    String source() {
        return source;
    }

    void problem(Node at, String path, String message) {
        problems.add(new ConfigException.Problem(source, at == null ? 0 : line(at), path, message));
    }

    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /** A mapping's entries by key, in file order; unknown or repeated keys are problems. {@code null} if not a map. */
    Map<String, Node> mapping(Node node, String path, Set<String> known) {
        if (!(node instanceof MappingNode map)) {
            problem(
                    node,
                    path,
                    known == null
                            ? "must be a mapping of names, e.g. web: 5173"
                            : "must be a mapping of " + String.join(", ", known));
            return null;
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                problem(tuple.getKeyNode(), path, "keys must be plain names");
                continue;
            }
            String key = keyNode.getValue();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            if (known != null && !known.contains(key)) {
                String hint = DidYouMean.closest(key, known);
                problem(
                        keyNode,
                        keyPath,
                        "unknown key"
                                + (hint == null
                                        ? "; known keys: " + String.join(", ", known)
                                        : "; did you mean '" + hint + "'?"));
                continue;
            }
            if (out.containsKey(key)) {
                problem(keyNode, keyPath, "appears twice; keep one");
                continue;
            }
            out.put(key, tuple.getValueNode());
        }
        return out;
    }

    /** Any mapping whose keys are user-chosen names (like service names). */
    Map<String, Node> namedEntries(Node node, String path) {
        return mapping(node, path, null);
    }

    String scalar(Node node, String path) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        problem(node, path, "must be a single value, not a " + (node instanceof SequenceNode ? "list" : "mapping"));
        return null;
    }

    boolean isScalar(Node node) {
        return node instanceof ScalarNode;
    }

    /** A list of values; a single value is accepted as a list of one. */
    List<Node> list(Node node, String path) {
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        if (node instanceof ScalarNode) {
            return List.of(node);
        }
        problem(node, path, "must be a list, e.g. [a, b]");
        return List.of();
    }

    Boolean bool(Node node, String path) {
        String v = scalar(node, path);
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "true", "yes", "on" -> Boolean.TRUE;
            case "false", "no", "off" -> Boolean.FALSE;
            default -> {
                problem(node, path, "must be true or false, got '" + v + "'");
                yield null;
            }
        };
    }

    java.time.Duration duration(Node node, String path) {
        String v = scalar(node, path);
        if (v == null) {
            return null;
        }
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            problem(node, path, e.getMessage());
            return null;
        }
    }

    Integer size(Node node, String path, int min, int max) {
        String v = scalar(node, path);
        if (v == null) {
            return null;
        }
        try {
            long n = ByteSizes.parse(v);
            if (n < min || n > max) {
                problem(node, path, "must be between " + min + " and " + max + " bytes, got " + n);
                return null;
            }
            return (int) n;
        } catch (IllegalArgumentException e) {
            problem(node, path, e.getMessage());
            return null;
        }
    }
}
