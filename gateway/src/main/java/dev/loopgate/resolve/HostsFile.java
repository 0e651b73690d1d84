package dev.loopgate.resolve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A marked block of served names in a hosts file, so that every resolver on the machine knows them. Lines outside
 * the block are never touched; the file is rewritten atomically (a temporary file renamed over it).
 */
public final class HostsFile {
    static final String BEGIN = "# >>> loopgate: names served by loopgate (managed block; edit outside it) >>>";
    static final String END = "# <<< loopgate <<<";

    private final Path file;

    public HostsFile(Path file) {
        this.file = file;
    }

    /** What a sync did: which names it wrote, which wildcards a hosts file cannot hold, whether the file changed. */
    public record Result(List<String> names, List<String> wildcards, boolean changed) {}

    public Result sync(Collection<String> hosts) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        List<String> wildcards = new ArrayList<>();
        for (String h : hosts) {
            if (h.startsWith("*.")) {
                wildcards.add(h);
            } else if (!dev.loopgate.config.IpLiteral.is(h)) {
                names.add(h);
            }
        }
        List<String> block = new ArrayList<>();
        if (!names.isEmpty()) {
            block.add(BEGIN);
            for (String n : names) {
                block.add("127.0.0.1 " + n);
                block.add("::1 " + n);
            }
            block.add(END);
        }
        return new Result(List.copyOf(names), wildcards, write(block));
    }

    /** Removes the block; returns whether there was one. */
    public boolean clean() throws IOException {
        return write(List.of());
    }

    private boolean write(List<String> block) throws IOException {
        String before;
        try {
            before = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            before = "";
        }
        List<String> kept = new ArrayList<>();
        boolean inside = false;
        for (String line : before.split("\n", -1)) {
            if (line.equals(BEGIN)) {
                inside = true;
            } else if (line.equals(END)) {
                inside = false;
            } else if (!inside) {
                kept.add(line);
            }
        }
        while (!kept.isEmpty() && kept.get(kept.size() - 1).isEmpty()) {
            kept.remove(kept.size() - 1);
        }
        StringBuilder after = new StringBuilder();
        kept.forEach(l -> after.append(l).append('\n'));
        block.forEach(l -> after.append(l).append('\n'));
        if (after.toString().equals(before)) {
            return false;
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".loopgate-tmp");
        try {
            Files.writeString(tmp, after, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(
                        tmp,
                        Files.exists(file)
                                ? Files.getPosixFilePermissions(file)
                                : PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the default permissions will do
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AccessDeniedException e) {
            throw new IOException(
                    "cannot write " + file + ": it needs root (run 'sudo loopgate hosts sync'), or choose"
                            + " a file you own with --file",
                    e);
        }
        return true;
    }
}
