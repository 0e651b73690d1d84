package dev.loopgate.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.health.BackendStates;
import dev.loopgate.testing.Wait;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a gateway that was killed left running is stopped by the next one, and nothing else is. */
class LeftoversTest {
    @TempDir
    Path state;

    private final List<ProcessGroup> groups = new ArrayList<>();

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (ProcessGroup g : groups) {
            g.stop("KILL", Duration.ofSeconds(1));
        }
    }

    /** A shell that started two sleepers, as a dev server's wrapper would, in a group of its own. */
    private List<ProcessHandle> wrapper() throws Exception {
        ProcessGroup g = ProcessGroup.start(new ProcessBuilder("sh", "-c", "sleep 60 & sleep 60 & wait")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
        groups.add(g);
        ProcessHandle leader = ProcessHandle.of(g.pid()).orElseThrow();
        Wait.until(
                "both sleepers",
                Duration.ofSeconds(5),
                () -> leader.descendants().count() == 2);
        List<ProcessHandle> all = new ArrayList<>(leader.descendants().toList());
        all.add(leader);
        return all;
    }

    private void record(ProcessGroup g, java.time.Instant started) {
        new ProcessRecords(state.resolve("processes.json"))
                .save(Map.of("web", new ProcessRecords.Entry("web", g.pid(), started)));
    }

    @Test
    void theCommandsOfAnotherGatewayThatStillRunsAreLeftAlone() throws Exception {
        List<ProcessHandle> theirs = wrapper();
        ProcessGroup g = groups.get(0);
        // Another gateway (here a process that merely lives) recorded the group with this state directory.
        ProcessGroup otherGateway = ProcessGroup.start(
                new ProcessBuilder("sleep", "60").redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
        groups.add(otherGateway);
        new ProcessRecords(state.resolve("processes.json"))
                .save(
                        Map.of(
                                "web",
                                new ProcessRecords.Entry(
                                        "web", g.pid(), g.startedAt().orElseThrow())),
                        ProcessHandle.of(otherGateway.pid()).orElseThrow());

        Supervisor.start(state, new BackendStates(Clock.systemUTC()), Clock.systemUTC())
                .close();

        assertThat(theirs).allMatch(ProcessHandle::isAlive);
    }

    @Test
    void theNextStartStopsTheWholeGroupALostGatewayStarted() throws Exception {
        List<ProcessHandle> left = wrapper();
        ProcessGroup g = groups.get(0);
        record(g, g.startedAt().orElseThrow());

        Supervisor.start(state, new BackendStates(Clock.systemUTC()), Clock.systemUTC())
                .close();

        assertThat(left).noneMatch(ProcessHandle::isAlive);
        assertThat(new ProcessRecords(state.resolve("processes.json")).load()).isEmpty();
    }

    @Test
    void aGroupWhoseProcessesStartedAfterTheRecordIsNotTheOneRecorded() throws Exception {
        // The recorded run is from the future: this group's id matches, but its processes are older, so they are
        // someone else's that the OS gave a reused id.
        List<ProcessHandle> others = wrapper();
        ProcessGroup g = groups.get(0);
        record(g, g.startedAt().orElseThrow().plusSeconds(3600));

        Supervisor.start(state, new BackendStates(Clock.systemUTC()), Clock.systemUTC())
                .close();

        assertThat(others).allMatch(ProcessHandle::isAlive);
    }
}
