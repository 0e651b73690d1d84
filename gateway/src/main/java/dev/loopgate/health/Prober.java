package dev.loopgate.health;

import dev.loopgate.config.BackendUrl;
import java.time.Duration;
import java.util.function.Consumer;

/** Probes one backend once, without blocking: a TCP connect, or an HTTP GET when {@code path} is not empty. */
public interface Prober {
    /** How a probe went: passed or not, why not, and how long it took. */
    record Result(boolean passed, String error, long micros) {}

    void probe(BackendUrl url, String path, String hostHeader, Duration timeout, Consumer<Result> done);
}
