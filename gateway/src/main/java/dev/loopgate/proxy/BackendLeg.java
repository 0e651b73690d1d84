package dev.loopgate.proxy;

import dev.loopgate.routing.Backend;
import dev.loopgate.routing.Route;
import io.netty.channel.Channel;

/**
 * The backend side of one exchange: the backend chosen, the connection while the exchange holds one, and whether
 * that connection may serve another exchange. It counts the connection as in use exactly once each way, and when the
 * exchange lets go it either returns the connection to its pool or closes it — never both, never neither.
 */
final class BackendLeg {
    private final Backends backends;
    private final String service;
    private Backend backend;
    private Channel channel;
    private boolean pooled;
    private boolean reusable = true;
    private boolean counted;
    private int attempts = 1;

    BackendLeg(Backends backends, String service) {
        this.backends = backends;
        this.service = service;
    }

    Backend backend() {
        return backend;
    }

    void choose(Backend b) {
        backend = b;
    }

    /** After a failed connect: on to the next backend worth trying, or {@code false} when none is left. */
    boolean failOver(Route route) {
        Backend next = route.after(backend, attempts);
        if (next == null || next == backend) {
            return false;
        }
        backend = next;
        attempts++;
        return true;
    }

    /** The connection, or {@code null} before it is connected and after the exchange let go of it. */
    Channel channel() {
        return channel;
    }

    /** Whether the connection came from the pool (and so may have been closed by the backend while idle). */
    boolean wasPooled() {
        return pooled;
    }

    void attach(Channel ch, boolean fromPool, Exchange owner) {
        channel = ch;
        pooled = fromPool;
        count(true);
        BackendConnection.of(ch).attach(owner);
    }

    /** A connection that arrived after the exchange ended: back where it came from. */
    void discard(Channel ch, boolean fromPool) {
        if (fromPool) {
            backends.release(backend, ch);
        } else {
            ch.close();
        }
    }

    /** This connection must not serve another exchange (framing unclear, body unread, decoder out of step). */
    void notReusable() {
        reusable = false;
    }

    void allowReuse(boolean ok) {
        reusable &= ok;
    }

    /** The backend closed the connection: it is forgotten and closed on this side too. */
    void lost() {
        Channel ch = channel;
        channel = null;
        count(false);
        if (ch != null) {
            ch.close();
        }
    }

    /** The exchange gives up on the connection, whose response cannot complete now. */
    void close() {
        Channel ch = detach();
        if (ch != null) {
            ch.close();
        }
    }

    /** The exchange is over: a connection that ended exactly at a message boundary goes back to the pool. */
    void release(boolean requestComplete) {
        Channel ch = detach();
        if (ch == null) {
            return;
        }
        if (reusable && requestComplete && ch.isActive() && BackendConnection.endedCleanly(ch)) {
            backends.release(backend, ch);
        } else {
            ch.close();
        }
    }

    /** The connection leaves the exchange for good (an upgraded WebSocket): no longer counted, never pooled. */
    Channel handOver() {
        return detach();
    }

    private Channel detach() {
        count(false);
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            BackendConnection.of(ch).detach();
        }
        return ch;
    }

    private void count(boolean nowActive) {
        if (counted == nowActive) {
            return;
        }
        counted = nowActive;
        backends.countActive(service, nowActive ? 1 : -1);
        if (nowActive) {
            backend.started();
        } else {
            backend.ended();
        }
    }
}
