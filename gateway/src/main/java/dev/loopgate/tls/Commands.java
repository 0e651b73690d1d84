package dev.loopgate.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs the trust stores' own tools (certutil, keytool, update-ca-certificates…) and shows them as a user types them. */
final class Commands {
    private Commands() {}

    /** What a command did: its exit status and its output (stdout and stderr). */
    record Outcome(int status, String output) {
        boolean ok() {
            return status == 0;
        }
    }

    static Outcome run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Outcome(124, "timed out after 60 s");
            }
            return new Outcome(p.exitValue(), out);
        } catch (IOException e) {
            return new Outcome(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(130, "interrupted");
        }
    }

    static boolean onPath(String tool) {
        return dev.loopgate.Executables.find(tool).isPresent();
    }

    /** A command as a user would type it in a POSIX shell. */
    static String shell(List<String> command) {
        return command.stream()
                .map(a -> a.matches("[A-Za-z0-9_./:=,+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }
}
