package dev.loopgate.process;

import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread every command's lifecycle runs on ({@code loopgate-processes}), so no state of it needs a lock. Its
 * queue is lock-free — the proxy's event loops hand it requests and must never wait — and timers only post to it.
 */
final class ProcessThread {
    private final ThreadPoolExecutor work = new ThreadPoolExecutor(
            1, 1, 0, TimeUnit.MILLISECONDS, new LinkedTransferQueue<>(), r -> daemon(r, "loopgate-processes"));
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "loopgate-process-timers"));

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void execute(Runnable task) {
        try {
            work.execute(task);
        } catch (RejectedExecutionException e) {
            // stopping: the commands are being stopped, nothing new starts
        }
    }

    /** Runs {@code task} on this thread after {@code millis}; cancelling the result before then prevents it. */
    ScheduledFuture<?> schedule(Runnable task, long millis) {
        return timers.schedule(() -> execute(task), millis, TimeUnit.MILLISECONDS);
    }

    void every(Runnable task, long millis) {
        timers.scheduleWithFixedDelay(() -> execute(task), millis, millis, TimeUnit.MILLISECONDS);
    }

    <T> T call(Callable<T> task, long timeoutMillis) throws Exception {
        return work.submit(task).get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops taking work and waits (briefly) for what is running, so that nothing writes after it returns. */
    void shutdown() {
        timers.shutdownNow();
        work.shutdown();
        try {
            work.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
