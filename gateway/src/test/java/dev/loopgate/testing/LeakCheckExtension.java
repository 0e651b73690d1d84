package dev.loopgate.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak while it ran. Leaks are only reported after the leaked buffer
 * is garbage-collected and a later allocation polls the detector, so this collects garbage, waits until the
 * collector has processed references, and allocates a few tracked buffers before it looks.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new AssertionError("tests must run with -Dio.netty.leakDetection.level=paranoid");
        }
        for (int round = 0; round < 3; round++) {
            collectGarbage();
            pollDetectors();
        }
        if (!LeakRecorder.LEAKS.isEmpty()) {
            List<String> leaks = new ArrayList<>(LeakRecorder.LEAKS);
            LeakRecorder.LEAKS.clear();
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n\n", leaks));
        }
    }

    private static void collectGarbage() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        for (int i = 0; i < 20 && queue.poll() == null; i++) {
            System.gc();
            if (queue.remove(100) != null) {
                break;
            }
        }
        sentinel.clear();
    }

    private static void pollDetectors() {
        for (ByteBufAllocator alloc :
                List.of(PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT, ByteBufAllocator.DEFAULT)) {
            for (int i = 0; i < 8; i++) {
                ByteBuf heap = alloc.heapBuffer(8);
                ByteBuf direct = alloc.directBuffer(8);
                heap.release();
                direct.release();
            }
        }
    }
}
