package dev.loopgate.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A one-shot timer on a connection's event loop: armed again replaces the previous one; cancelling is idempotent. */
final class Deadline {
    private final EventExecutor loop;
    private ScheduledFuture<?> pending;

    Deadline(EventExecutor loop) {
        this.loop = loop;
    }

    void arm(long nanos, Runnable onExpiry) {
        cancel();
        pending = loop.schedule(
                () -> {
                    pending = null;
                    onExpiry.run();
                },
                nanos,
                TimeUnit.NANOSECONDS);
    }

    void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
