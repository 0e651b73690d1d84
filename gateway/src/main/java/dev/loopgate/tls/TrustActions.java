package dev.loopgate.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Adds the root to one store or removes it, and says what happened in a line. */
public final class TrustActions {
    private TrustActions() {}

    /**
     * @param prefix what to put before each command of the fix ({@code sudo } when privileges were missing)
     */
    public record Result(boolean ok, String message, String prefix) {}

    public static Result apply(TrustStore store, Path root, boolean add) {
        Boolean before = store.trusts(root);
        if (add && Boolean.TRUE.equals(before)) {
            return new Result(true, "already trusted", "");
        }
        if (!add && Boolean.FALSE.equals(before)) {
            return new Result(true, "not there", "");
        }
        for (List<String> command : add ? store.addCommands(root) : store.removeCommands(root)) {
            String tool = command.get(0);
            if (!tool.contains("/") && !Commands.onPath(tool)) {
                return new Result(false, tool + " is not installed" + installHint(tool), "");
            }
            Commands.Outcome o = Commands.run(command);
            if (!o.ok()) {
                String out = o.output().toLowerCase(Locale.ROOT);
                boolean privileges = out.contains("permission denied")
                        || out.contains("access denied")
                        || out.contains("not permitted")
                        || out.contains("read-only");
                return new Result(
                        false,
                        (privileges ? "needs privileges" : "failed") + " (" + firstLine(o.output()) + ")",
                        privileges ? "sudo " : "");
            }
        }
        return new Result(true, add ? "trusted" : "removed", "");
    }

    private static String installHint(String tool) {
        return switch (tool) {
            case "certutil" -> " (Debian/Ubuntu: sudo apt-get install libnss3-tools; Fedora: sudo dnf install nss-tools)";
            case "update-ca-certificates" -> " (Debian/Ubuntu: sudo apt-get install ca-certificates)";
            default -> "";
        };
    }

    private static String firstLine(String s) {
        String line =
                s.isBlank() ? "no output" : s.lines().findFirst().orElse("").strip();
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }

    public static String shell(List<String> command) {
        return Commands.shell(command);
    }
}
