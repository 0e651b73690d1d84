package dev.loopgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The blocking-call check itself: a sleep on a thread named like the gateway's loops is caught, elsewhere not. */
class BlockingCallsExtensionTest {
    @Test
    void aBlockingCallOnALoopgateEventLoopIsRecorded() throws Exception {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("loopgate", true), NioIoHandler.newFactory());
        EventLoopGroup other = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("test-backend", true), NioIoHandler.newFactory());
        try {
            other.submit(() -> sleep()).get(5, TimeUnit.SECONDS);
            assertThat(BlockingCallsExtension.BLOCKED)
                    .as("the test's own loops may block")
                    .isEmpty();
            loops.submit(() -> sleep()).get(5, TimeUnit.SECONDS);
            assertThat(BlockingCallsExtension.BLOCKED)
                    .singleElement()
                    .satisfies(s -> assertThat(s).startsWith("loopgate-").contains("sleep"));
        } finally {
            BlockingCallsExtension.BLOCKED.clear();
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
            other.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
