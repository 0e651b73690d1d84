package dev.loopgate.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, checking often; never a fixed sleep. */
public final class Wait {
    private Wait() {}

    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        until(what, deadline, condition, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}, adding {@code context} (e.g. a process's output) on failure. */
    public static void until(
            String what, Duration deadline, BooleanSupplier condition, java.util.function.Supplier<String> context) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                String extra = context.get();
                throw new AssertionError("timed out after " + deadline.toMillis() + " ms waiting for " + what
                        + (extra.isEmpty() ? "" : "\n" + extra));
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
