package dev.loopgate.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** Small helpers the commands share: one-line errors and aligned columns. */
final class Cli {
    static final int EXIT_FAILED = 1;

    private Cli() {}

    /** Prints {@code loopgate: message} on stderr and returns the failure exit code. */
    static int fail(CommandSpec spec, String message) {
        spec.commandLine().getErr().println("loopgate: " + message);
        spec.commandLine().getErr().flush();
        return EXIT_FAILED;
    }

    static String columns(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]);
                if (i < r.length - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
