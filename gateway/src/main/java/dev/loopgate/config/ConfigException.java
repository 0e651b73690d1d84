package dev.loopgate.config;

import java.util.List;

/** A configuration that cannot be used; each problem names the file, line and key path at fault. */
public final class ConfigException extends Exception {
    private final List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String render(List<Problem> problems) {
        StringBuilder out = new StringBuilder();
        for (Problem p : problems) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(p);
        }
        return out.toString();
    }

    /** One thing wrong with the file. {@code line} is 1-based, or 0 when no line applies. */
    public record Problem(String source, int line, String path, String message) {
        @Override
        public String toString() {
            String where = line > 0 ? source + ":" + line : source;
            return path.isEmpty() ? where + ": " + message : where + ": " + path + ": " + message;
        }
    }
}
