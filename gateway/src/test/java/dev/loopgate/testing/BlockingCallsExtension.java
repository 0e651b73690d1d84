package dev.loopgate.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Proves, in every test JVM, that loopgate's event loops never block: BlockHound watches the threads of the
 * gateway's loops ({@code loopgate-N-M}, and {@code loopgate-control-N-M} for health checks and Docker) and records
 * every blocking call made on them — file I/O, sleeping, waiting on a lock or a future — and the test class that
 * caused one fails with the call's stack. The test's own servers and clients may block as they like.
 */
public final class BlockingCallsExtension implements BeforeAllCallback, AfterAllCallback {
    /** The gateway's event loops (Netty's DefaultThreadFactory names them pool-poolId-threadId). */
    private static final Pattern LOOP = Pattern.compile("loopgate(-control)?-\\d+-\\d+");

    static final List<String> BLOCKED = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    /** What loopgate's loops may do although BlockHound counts it as blocking. */
    static final class Rules implements BlockHoundIntegration {
        @Override
        public void applyTo(BlockHound.Builder builder) {
            builder.nonBlockingThreadPredicate(
                    p -> p.or(t -> LOOP.matcher(t.getName()).matches()));
            // The log line of a request is written to the console as it happens, as nginx's access log is: a
            // buffered write to a pipe or terminal, accepted for a development tool.
            builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend");
            builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes");
            // An io_uring loop that shuts down spins until the kernel has answered the ring's last requests: the
            // end of the loop, not a wait while it serves.
            builder.allowBlockingCallsInside("io.netty.channel.uring.IoUringIoHandler", "destroy");
            builder.blockingMethodCallback(method -> {
                Thread t = Thread.currentThread();
                if (LOOP.matcher(t.getName()).matches()) {
                    StringBuilder stack = new StringBuilder();
                    for (StackTraceElement e : new Throwable().getStackTrace()) {
                        stack.append("\n    at ").append(e);
                    }
                    BLOCKED.add(t.getName() + " blocked in " + method + stack);
                }
            });
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!installed && System.getenv("JAZZER_FUZZ") == null) {
            synchronized (BlockingCallsExtension.class) {
                if (!installed) {
                    BlockHound.install(new Rules());
                    installed = true;
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!BLOCKED.isEmpty()) {
            List<String> calls = new ArrayList<>(BLOCKED);
            BLOCKED.clear();
            throw new AssertionError(
                    calls.size() + " blocking call(s) on loopgate's event loops in " + context.getDisplayName() + ":\n"
                            + String.join("\n\n", calls.subList(0, Math.min(5, calls.size()))));
        }
    }
}
