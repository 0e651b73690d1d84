package dev.loopgate.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A one-shot timer on a connection's event loop: armed again replaces the previous deadline; cancelling is idempotent.
 *
 * <p>A keep-alive connection disarms and re-arms its timer for every request. Scheduling and cancelling a task each
 * time costs a task object and two operations on the loop's timer queue per request, so a wake-up that is already
 * pending and comes no later than the new deadline is kept: when it fires early it sleeps again for the rest.
 * {@link #disarm} leaves it pending for that reason; {@link #cancel} removes it (an object that is going away must not
 * be kept alive by its timer).
 */
final class Deadline {
    /** Its clock is the loop's ticker: the loop's own time, which tests may move. */
    private final EventExecutor loop;

    private ScheduledFuture<?> wakeUp;
    private long wakeUpAt;
    private long deadline;
    private Runnable onExpiry;

    Deadline(EventExecutor loop) {
        this.loop = loop;
    }

    void arm(long nanos, Runnable action) {
        long at = loop.ticker().nanoTime() + nanos;
        deadline = at;
        onExpiry = action;
        if (wakeUp != null && wakeUpAt - at <= 0) {
            return;
        }
        cancelWakeUp();
        schedule(at);
    }

    /** Nothing happens at the deadline; a pending wake-up stays, to be reused by the next {@link #arm}. */
    void disarm() {
        onExpiry = null;
    }

    void cancel() {
        onExpiry = null;
        cancelWakeUp();
    }

    private void schedule(long at) {
        wakeUpAt = at;
        wakeUp = loop.schedule(this::wake, at - loop.ticker().nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void wake() {
        wakeUp = null;
        Runnable action = onExpiry;
        if (action == null) {
            return;
        }
        if (deadline - loop.ticker().nanoTime() > 0) {
            schedule(deadline);
            return;
        }
        onExpiry = null;
        action.run();
    }

    private void cancelWakeUp() {
        if (wakeUp != null) {
            wakeUp.cancel(false);
            wakeUp = null;
        }
    }
}
