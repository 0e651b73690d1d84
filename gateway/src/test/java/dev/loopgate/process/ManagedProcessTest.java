package dev.loopgate.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.config.ProcessConfig;
import dev.loopgate.testing.Wait;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One command's lifecycle with real processes: back-off, the crash loop, and what counts as use for idle stop. */
class ManagedProcessTest {
    @TempDir
    Path dir;

    private final ProcessThread thread = new ProcessThread();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private ManagedProcess process;

    @AfterEach
    void stop() throws Exception {
        if (process != null) {
            thread.call(
                    () -> {
                        process.stop("test over", null);
                        return null;
                    },
                    5000);
            Wait.until("the command to stop", Duration.ofSeconds(10), () -> process.group() == null);
        }
        thread.shutdown();
    }

    private ManagedProcess start(String command, ProcessConfig.Restart restart, Duration idleStop) throws Exception {
        ProcessConfig config =
                new ProcessConfig(command, dir, Map.of(), null, Duration.ofSeconds(10), false, idleStop, restart);
        ManagedProcess.Hooks hooks = new ManagedProcess.Hooks() {
            @Override
            public void ready(String service) {
                events.add("ready");
            }

            @Override
            public void down(String service, String reason) {
                events.add("down: " + reason);
            }

            @Override
            public void groupsChanged() {}

            @Override
            public void answerWaiting(String service) {
                events.add("answer waiting");
            }
        };
        int port = dev.loopgate.diagnostics.FreePort.belowEphemeralRange();
        process = new ManagedProcess("web", port, config, thread, hooks, Clock.systemUTC(), 20);
        thread.execute(() -> process.start("test"));
        return process;
    }

    @Test
    void aCommandThatKeepsFailingIsRestartedUntilItIsACrashLoopThenLeftAlone() throws Exception {
        ManagedProcess p = start("echo attempt; exit 1", ProcessConfig.Restart.ON_FAILURE, null);

        Wait.until("the crash loop", Duration.ofSeconds(20), () -> String.valueOf(
                        p.status().problem())
                .contains("crash loop"));

        ProcessStatus st = p.status();
        assertThat(st.state()).isEqualTo("crashed");
        assertThat(st.restarts()).isEqualTo(ManagedProcess.CRASH_LOOP - 1);
        assertThat(st.problem())
                .isEqualTo("exited with status 1 and is in a crash loop (5 exits within 1m); it starts"
                        + " again when it is asked for");
        assertThat(p.output().tail(100).stream().filter(l -> l.text().equals("attempt")))
                .hasSize(ManagedProcess.CRASH_LOOP);
        // Left alone: no further attempt comes, however long one waits for the back-off (20 ms, doubling).
        Thread.sleep(1500);
        assertThat(p.status().restarts()).isEqualTo(ManagedProcess.CRASH_LOOP - 1);

        assertThat(p.demand()).as("a request starts it again").isFalse();
        Wait.until(
                "a new attempt",
                Duration.ofSeconds(10),
                () -> p.output().tail(100).stream()
                                .filter(l -> l.text().equals("attempt"))
                                .count()
                        == ManagedProcess.CRASH_LOOP + 1);
    }

    @Test
    void aCleanExitIsNotRestartedOnFailure() throws Exception {
        ManagedProcess once = start("exit 0", ProcessConfig.Restart.ON_FAILURE, null);
        Wait.until("it exited", Duration.ofSeconds(10), () -> once.status().exitCode() != null);
        Thread.sleep(300); // ten first back-offs: a restart would have come
        assertThat(once.status().restarts()).isZero();
        assertThat(once.status().state()).isEqualTo("stopped");
    }

    @Test
    void anOpenTunnelKeepsAnIdleCommandRunningAndItsEndLetsItStop() throws Exception {
        ManagedProcess p = start(
                "exec python3 -m http.server $PORT --bind 127.0.0.1", ProcessConfig.Restart.NO, Duration.ofMillis(300));
        Wait.until("ready", Duration.ofSeconds(10), () -> p.status().state().equals("running"));
        Runnable tunnel = p.hold();

        for (int i = 0; i < 10; i++) {
            thread.execute(() -> p.stopIfIdle(0));
            Thread.sleep(100);
        }
        assertThat(p.status().state()).as("an open WebSocket is use").isEqualTo("running");

        tunnel.run();
        Wait.until("the idle stop once the tunnel closed", Duration.ofSeconds(10), () -> {
            thread.execute(() -> p.stopIfIdle(0));
            return p.status().state().equals("stopped");
        });
        assertThat(p.output().tail(5).stream().map(OutputLog.Line::text)).contains("stopping (idle for 300ms)");
    }
}
