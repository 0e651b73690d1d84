package dev.loopgate.process;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What the proxy asks of the commands loopgate runs. Called on event loops: nothing here blocks; work is handed to
 * the supervisor's own thread.
 */
public interface OnDemand {
    /** A request for {@code service} arrived: starts its command if it is not running. Whether it is ready now. */
    boolean demand(String service);

    /** The command's status, or {@code null} when loopgate runs none for {@code service}. */
    ProcessStatus status(String service);

    /** The command's last {@code n} output lines, terminal escapes removed, and the number of the last one. */
    Tail tail(String service, int n);

    record Tail(List<String> lines, long lastSeq) {}

    /** {@code callback} runs on {@code executor} when requests waiting for the command should be answered now. */
    Runnable onGiveUp(String service, Executor executor, Runnable callback);

    /**
     * The command's output lines numbered above {@code after}, then new ones as they come (on the writer's thread),
     * until the returned handle runs.
     */
    Runnable follow(String service, long after, Consumer<String> line);

    /** An open tunnel keeps the service from counting as idle until the returned handle runs. */
    Runnable hold(String service);

    /** For a gateway that runs no commands. */
    OnDemand NONE = new OnDemand() {
        @Override
        public boolean demand(String service) {
            return true;
        }

        @Override
        public ProcessStatus status(String service) {
            return null;
        }

        @Override
        public Tail tail(String service, int n) {
            return new Tail(List.of(), 0);
        }

        @Override
        public Runnable onGiveUp(String service, Executor executor, Runnable callback) {
            return () -> {};
        }

        @Override
        public Runnable follow(String service, long after, Consumer<String> line) {
            return () -> {};
        }

        @Override
        public Runnable hold(String service) {
            return () -> {};
        }
    };
}
