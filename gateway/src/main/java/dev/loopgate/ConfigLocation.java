package dev.loopgate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Which config file a gateway uses: {@code --config}, else {@code $LOOPGATE_CONFIG}, else {@code config/loopgate.yaml}
 * when run from the repository, else {@code $XDG_CONFIG_HOME/loopgate/loopgate.yaml} (or {@code ~/.config/...}).
 * {@code null} means none: the gateway starts with nothing routed.
 */
public final class ConfigLocation {
    private ConfigLocation() {}

    public static Path resolve(Path explicit, Map<String, String> env, Path workingDir) {
        if (explicit != null) {
            return explicit;
        }
        String v = env.get("LOOPGATE_CONFIG");
        if (v != null && !v.isBlank()) {
            return Paths.get(v);
        }
        Path repo = workingDir.resolve("config").resolve("loopgate.yaml");
        if (Files.isRegularFile(repo)) {
            return repo;
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base =
                xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".config");
        Path user = base.resolve("loopgate").resolve("loopgate.yaml");
        return Files.isRegularFile(user) ? user : null;
    }
}
