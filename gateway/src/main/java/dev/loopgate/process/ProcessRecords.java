package dev.loopgate.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process groups loopgate started, on disk ({@code <state-dir>/processes.json}): a gateway that was killed
 * (SIGKILL, a crash, a closed laptop lid that never woke it) cannot stop its dev servers, so the next start reads
 * this file and stops what is left of them before starting anything. A group is recognised by its id and by its
 * members having started no earlier than the recorded start, so a process id the OS reused is left alone.
 */
final class ProcessRecords {
    private static final Logger log = LoggerFactory.getLogger(ProcessRecords.class);

    record Entry(String service, long pgid, Instant started) {}

    private final Path file;

    ProcessRecords(Path file) {
        this.file = file;
    }

    void save(Map<String, Entry> running) {
        save(running, ProcessHandle.current());
    }

    /** {@code owner}: the gateway that runs them (this one; a test passes another). */
    void save(Map<String, Entry> running, ProcessHandle owner) {
        if (running.isEmpty()) {
            // No file is "nothing to stop": the next start then reads nothing (no JSON library on its path).
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", file, e.getMessage());
            }
            return;
        }
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("gateway_pid", owner.pid());
        owner.info().startInstant().ifPresent(t -> root.put("gateway_started", t.toString()));
        ArrayNode list = root.putArray("processes");
        for (Entry e : running.values()) {
            list.addObject()
                    .put("service", e.service())
                    .put("pgid", e.pgid())
                    .put("started", e.started().toString());
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("cannot record the started processes in {}: {}", file, e.getMessage());
        }
    }

    List<Entry> load() {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            JsonNode root = Json.mapper().readTree(file.toFile());
            for (JsonNode n : root.path("processes")) {
                out.add(new Entry(
                        n.path("service").asText(),
                        n.path("pgid").asLong(),
                        Instant.parse(n.path("started").asText())));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring {}: {}", file, e.getMessage());
        }
        return out;
    }

    /**
     * The other gateway that recorded these processes and still runs (two gateways sharing a state directory), or
     * {@code null}: its commands are its own to stop.
     */
    ProcessHandle liveOwner() {
        try {
            JsonNode root = Json.mapper().readTree(file.toFile());
            long pid = root.path("gateway_pid").asLong(-1);
            String started = root.path("gateway_started").asText(null);
            if (pid <= 0 || pid == ProcessHandle.current().pid() || started == null) {
                return null;
            }
            Instant at = Instant.parse(started);
            return ProcessHandle.of(pid)
                    .filter(h -> h.info().startInstant().map(at::equals).orElse(false))
                    .orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Stops what is left of the previous run's groups (TERM, then KILL after {@code grace}); returns how many. */
    int stopLeftovers(Duration grace) throws InterruptedException {
        if (!Files.exists(file)) {
            return 0;
        }
        ProcessHandle owner = liveOwner();
        if (owner != null) {
            log.warn(
                    "another loopgate (pid {}) uses the state directory {} and runs its commands; they are left"
                            + " alone (give each gateway its own --state-dir)",
                    owner.pid(),
                    file.getParent());
            return 0;
        }
        int stopped = 0;
        for (Entry e : load()) {
            if (members(e).isEmpty()) {
                continue;
            }
            log.warn(
                    "stopping {}'s command (process group {}), left running by a loopgate that did not exit cleanly",
                    e.service(),
                    e.pgid());
            ProcessGroup.signalGroup(e.pgid(), "TERM");
            long deadline = System.nanoTime() + grace.toNanos();
            while (!members(e).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (!members(e).isEmpty()) {
                ProcessGroup.signalGroup(e.pgid(), "KILL");
            }
            stopped++;
        }
        save(Map.of());
        return stopped;
    }

    /** The live processes of the recorded group that started no earlier than it did. */
    static List<Long> members(Entry e) {
        List<Long> out = new ArrayList<>();
        Instant notBefore = e.started().minusSeconds(1);
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (groupOf(p) == e.pgid()
                        && ProcessHandle.of(pid)
                                .flatMap(h -> h.info().startInstant())
                                .map(started -> !started.isBefore(notBefore))
                                .orElse(false)) {
                    out.add(pid);
                }
            }
        } catch (IOException ex) {
            // No /proc (macOS): the leader alone, when it is the process recorded.
            ProcessHandle.of(e.pgid())
                    .filter(h -> h.info()
                            .startInstant()
                            .map(s -> !s.isBefore(notBefore))
                            .orElse(false))
                    .ifPresent(h -> out.add(h.pid()));
        }
        return out;
    }

    private static long groupOf(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so count from the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[2]);
        } catch (IOException | RuntimeException e) {
            return -1; // gone meanwhile
        }
    }
}
