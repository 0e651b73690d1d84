package dev.loopgate.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as users write them: {@code 65536}, {@code 16KiB}, {@code 1MiB}. */
final class ByteSizes {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,10})\\s*(B|KiB|MiB|KB|MB|k|K|M)?");

    private ByteSizes() {}

    static long parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 65536, 16KiB or 1MiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        return switch (unit) {
            case "KiB", "KB", "k", "K" -> n * 1024;
            case "MiB", "MB", "M" -> n * 1024 * 1024;
            default -> n;
        };
    }
}
