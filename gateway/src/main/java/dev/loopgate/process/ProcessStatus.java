package dev.loopgate.process;

import java.time.Duration;
import java.time.Instant;

/**
 * A service's command as the API, the dashboard and loopgate's pages show it.
 *
 * @param state {@code stopped}, {@code starting}, {@code running} or {@code crashed}
 * @param pid the command's process id while it runs, else {@code null}
 * @param exitCode how it last exited, {@code null} if it has not
 * @param command the command line as run ({@code {port}} replaced)
 * @param problem why it is not serving (exited, late, cannot start), {@code null} when nothing is wrong
 */
public record ProcessStatus(
        String state,
        Long pid,
        Instant startedAt,
        Integer exitCode,
        int restarts,
        int port,
        String command,
        String problem,
        Duration readyTimeout) {}
