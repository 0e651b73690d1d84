package dev.loopgate.diagnostics;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code doctor} on a command loopgate runs for a service: why it does not serve — not found, exits at once, listens
 * on another port than the one loopgate gave it, or never listens.
 */
public final class CommandCheck {
    /** What the gateway reports of the command ({@code GET /api/v1/services}, {@code process}) and its last lines. */
    public record Command(
            String service,
            String state,
            Long pid,
            Integer exitCode,
            int port,
            String command,
            String problem,
            List<String> lastLines) {}

    private CommandCheck() {}

    public static Check check(Command c, List<Listeners.Listener> listeners) {
        String name = "command " + c.service();
        String logs = "see its output with 'loopgate logs " + c.service() + "'";
        if (c.problem() == null) {
            return switch (c.state()) {
                case "running" -> Check.ok(name, "running on port " + c.port() + " (pid " + c.pid() + ")");
                case "starting" -> Check.ok(name, "starting on port " + c.port());
                default -> Check.ok(name, "stopped; the first request starts it");
            };
        }
        if (c.exitCode() != null && c.pid() == null) {
            if (c.exitCode() == 127 || c.lastLines().stream().anyMatch(l -> l.contains("not found"))) {
                return Check.fail(
                        name,
                        "`" + c.command() + "` " + c.problem() + ": the program was not found",
                        "check the command's spelling, that it is installed, and its 'dir' (loopgate runs it with"
                                + " your shell from there)");
            }
            return Check.fail(name, "`" + c.command() + "` " + c.problem() + lastLine(c), logs);
        }
        if (c.pid() != null) {
            Set<Long> tree = tree(c.pid());
            List<Listeners.Listener> own = listeners.stream()
                    .filter(l -> l.proto().equals("tcp") && tree.contains(l.pid()))
                    .toList();
            if (!own.isEmpty() && own.stream().noneMatch(l -> l.port() == c.port())) {
                String ports = own.stream()
                        .map(l -> l.addressText() + ":" + l.port())
                        .distinct()
                        .collect(Collectors.joining(", "));
                return Check.fail(
                        name,
                        "it listens on " + ports + ", not on port " + c.port() + " that loopgate gave it",
                        "make the command use {port} (replaced by " + c.port() + ") or $PORT, e.g. --port {port}");
            }
            if (own.isEmpty()) {
                return Check.fail(
                        name,
                        "it runs (pid " + c.pid() + ") but listens on no port: " + c.problem(),
                        "check that it starts a server; " + logs);
            }
        }
        return Check.fail(name, c.problem(), logs);
    }

    private static String lastLine(Command c) {
        return c.lastLines().isEmpty()
                ? ""
                : " — its last line: " + c.lastLines().get(c.lastLines().size() - 1);
    }

    private static Set<Long> tree(long pid) {
        return ProcessHandle.of(pid)
                .map(h -> {
                    Set<Long> pids = h.descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
                    pids.add(pid);
                    return pids;
                })
                .orElse(Set.of(pid));
    }
}
