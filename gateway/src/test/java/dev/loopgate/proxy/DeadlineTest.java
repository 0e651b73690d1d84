package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection timer: the last deadline armed is the one that counts, disarmed or cancelled it never fires. Each
 * case ends with a marker task scheduled after every deadline on the same single-threaded loop: when it runs, every
 * wake-up due before it has run.
 */
class DeadlineTest {
    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private int firedBy(long markerMillis, AtomicInteger fired) throws Exception {
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        loop.schedule(() -> seen.complete(fired.get()), markerMillis, TimeUnit.MILLISECONDS);
        return seen.get(10, TimeUnit.SECONDS);
    }

    @Test
    void reArmingLaterKeepsOneWakeUpAndFiresOnceAtTheNewDeadline() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        long[] firedAt = new long[1];
        long[] armedAt = new long[1];
        loop.submit(() -> {
                    Deadline d = new Deadline(loop);
                    d.arm(TimeUnit.MILLISECONDS.toNanos(40), fired::incrementAndGet);
                    d.disarm();
                    armedAt[0] = System.nanoTime();
                    d.arm(TimeUnit.MILLISECONDS.toNanos(120), () -> {
                        firedAt[0] = System.nanoTime();
                        fired.incrementAndGet();
                    });
                })
                .sync();
        assertThat(firedBy(300, fired)).isEqualTo(1);
        assertThat(firedAt[0] - armedAt[0])
                .as("not before the later deadline")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(120));
    }

    @Test
    void reArmingEarlierFiresAtTheEarlierDeadline() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        loop.submit(() -> {
                    Deadline d = new Deadline(loop);
                    d.arm(TimeUnit.SECONDS.toNanos(30), fired::incrementAndGet);
                    d.arm(TimeUnit.MILLISECONDS.toNanos(20), fired::incrementAndGet);
                })
                .sync();
        assertThat(firedBy(200, fired)).isEqualTo(1);
    }

    @Test
    void disarmedOrCancelledItNeverFires() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        loop.submit(() -> {
                    Deadline disarmed = new Deadline(loop);
                    disarmed.arm(TimeUnit.MILLISECONDS.toNanos(20), fired::incrementAndGet);
                    disarmed.disarm();
                    Deadline cancelled = new Deadline(loop);
                    cancelled.arm(TimeUnit.MILLISECONDS.toNanos(20), fired::incrementAndGet);
                    cancelled.cancel();
                })
                .sync();
        assertThat(firedBy(200, fired)).isZero();
    }
}
