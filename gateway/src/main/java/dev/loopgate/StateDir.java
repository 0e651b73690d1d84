package dev.loopgate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The gateway's state directory: {@code --state-dir}, else {@code $LOOPGATE_STATE_DIR}, else
 * {@code $XDG_STATE_HOME/loopgate}, else {@code ~/.local/state/loopgate}. Holds {@code gateway.json} for the CLI.
 */
public final class StateDir {

    private final Path dir;

    public StateDir(Path dir) {
        this.dir = dir;
    }

    public static StateDir resolve(Path explicit, Map<String, String> env) {
        if (explicit != null) {
            return new StateDir(explicit);
        }
        String v = env.get("LOOPGATE_STATE_DIR");
        if (v != null && !v.isBlank()) {
            return new StateDir(Paths.get(v));
        }
        String xdg = env.get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return new StateDir(Paths.get(xdg, "loopgate"));
        }
        return new StateDir(Paths.get(System.getProperty("user.home"), ".local", "state", "loopgate"));
    }

    public Path path() {
        return dir;
    }

    public Path gatewayFile() {
        return dir.resolve("gateway.json");
    }

    /** Writes {@code gateway.json} atomically, so a CLI never reads half a file. */
    public void writeGateway(String address, String adminUrl, int port, int httpsPort) throws IOException {
        Files.createDirectories(dir);
        ObjectNode n = dev.loopgate.Json.mapper().createObjectNode();
        n.put("address", address);
        n.put("port", port);
        if (httpsPort != 0) {
            n.put("https_port", httpsPort);
        }
        n.put("pid", ProcessHandle.current().pid());
        n.put("admin_url", adminUrl);
        Path tmp = dir.resolve("gateway.json.tmp");
        Files.writeString(
                tmp, dev.loopgate.Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
        Files.move(tmp, gatewayFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public void removeGateway() {
        try {
            Files.deleteIfExists(gatewayFile());
        } catch (IOException e) {
            // a stale file is harmless: the CLI checks the pid
        }
    }
}
