package dev.loopgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real Node.js tools from the npm registry, installed once per build under {@code target/}. */
public final class NodeTools {
    private NodeTools() {}

    public static boolean onPath(String tool) {
        for (String d : System.getenv("PATH").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Paths.get(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Skips the calling test unless node and npm are installed (they are in CI). */
    public static void assumeNode() {
        assumeTrue(onPath("node") && onPath("npm"), "Node.js and npm are not installed");
    }

    /** {@code npm install} of {@code packages} into {@code dir}, unless {@code marker} is already there. */
    public static void install(Path dir, String marker, String... packages) throws Exception {
        if (Files.isDirectory(dir.resolve("node_modules").resolve(marker))) {
            return;
        }
        Files.createDirectories(dir);
        List<String> cmd =
                new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString()));
        cmd.addAll(List.of(packages));
        Process npm = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes());
        assertThat(npm.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(npm.exitValue()).as(String.join(" ", cmd) + ":\n" + out).isZero();
    }
}
