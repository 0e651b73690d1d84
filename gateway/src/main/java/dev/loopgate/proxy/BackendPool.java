package dev.loopgate.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive connections to backends, for one event loop. Only that loop touches it, so it needs no locks;
 * connections are reused most-recent-first and closed after {@code idleTimeoutNanos} unused.
 */
final class BackendPool {
    private static final int MAX_IDLE_PER_BACKEND = 1024;

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<String, ArrayDeque<Channel>> idle = new HashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> counts;
    private long idleTimeoutNanos;
    private ScheduledFuture<?> sweeper;

    BackendPool(
            EventLoop loop,
            Bootstrap bootstrap,
            long idleTimeoutNanos,
            java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> counts) {
        this.counts = counts;
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    Bootstrap bootstrap(int connectTimeoutMillis) {
        return bootstrap.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
    }

    void idleTimeoutNanos(long nanos) {
        idleTimeoutNanos = nanos;
    }

    /** An idle, still-open connection to {@code key}, or {@code null}. */
    Channel poll(String key) {
        ArrayDeque<Channel> q = idle.get(key);
        if (q == null) {
            return null;
        }
        Channel ch;
        while ((ch = q.pollLast()) != null) {
            count(key, -1);
            BackendConnection handler = BackendConnection.of(ch);
            if (ch.isActive() && handler != null) {
                handler.unpark();
                return ch;
            }
            ch.close();
        }
        return null;
    }

    /** Keeps a connection whose last exchange completed cleanly; a read is left pending so a close is noticed. */
    void offer(String key, Channel ch) {
        BackendConnection handler = BackendConnection.of(ch);
        if (handler == null || !ch.isActive()) {
            ch.close();
            return;
        }
        ArrayDeque<Channel> q = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
        handler.park(this, key, System.nanoTime());
        q.addLast(ch);
        count(key, 1);
        if (q.size() > MAX_IDLE_PER_BACKEND) {
            Channel oldest = q.pollFirst();
            if (oldest != null) {
                count(key, -1);
                oldest.close();
            }
        }
        ch.read();
        if (sweeper == null) {
            sweeper = loop.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        }
    }

    void forget(String key, Channel ch) {
        ArrayDeque<Channel> q = idle.get(key);
        if (q != null && q.remove(ch)) {
            count(key, -1);
        }
    }

    /** Idle connections per backend address, kept for metrics readers on other threads. */
    private void count(String key, int delta) {
        counts.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicInteger())
                .addAndGet(delta);
    }

    /** Closes every idle connection to {@code key} (its backend went away). */
    void closeIdle(String key) {
        ArrayDeque<Channel> q = idle.remove(key);
        if (q != null) {
            count(key, -q.size());
            q.forEach(Channel::close);
        }
    }

    void closeAll() {
        if (sweeper != null) {
            sweeper.cancel(false);
            sweeper = null;
        }
        idle.forEach((key, q) -> {
            count(key, -q.size());
            q.forEach(Channel::close);
        });
        idle.clear();
    }

    int idleCount() {
        int n = 0;
        for (ArrayDeque<Channel> q : idle.values()) {
            n += q.size();
        }
        return n;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<String, ArrayDeque<Channel>>> it =
                        idle.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<String, ArrayDeque<Channel>> e = it.next();
            ArrayDeque<Channel> q = e.getValue();
            while (!q.isEmpty()) {
                BackendConnection h = BackendConnection.of(q.peekFirst());
                if (h != null && now - h.parkedAt() < idleTimeoutNanos) {
                    break;
                }
                count(e.getKey(), -1);
                q.pollFirst().close();
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
    }
}
