package dev.loopgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A service's dev server that loopgate runs itself: started on the first request (or with the gateway), watched,
 * restarted and stopped. Only the config file declares these; the registration API can never start a process.
 *
 * @param command run by the user's shell; {@code {port}} is replaced by the service's port, which is also {@code PORT}
 * @param dir where it runs: relative paths are relative to the config file's folder
 * @param readyPath when set, ready means a GET of this path answers below 500; otherwise that the port accepts
 * @param idleStop stop it after this long without requests; {@code null} never
 */
public record ProcessConfig(
        String command,
        Path dir,
        Map<String, String> env,
        String readyPath,
        Duration readyTimeout,
        boolean autostart,
        Duration idleStop,
        Restart restart) {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

    /** When an exited command is started again without being asked. */
    public enum Restart {
        NO,
        ON_FAILURE,
        ALWAYS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public ProcessConfig {
        env = Map.copyOf(env);
    }

    /** What a change to the file must restart a running command for (not the lifecycle settings). */
    public boolean sameLaunch(ProcessConfig other) {
        return other != null && command.equals(other.command) && dir.equals(other.dir) && env.equals(other.env);
    }
}
