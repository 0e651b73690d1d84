package dev.loopgate.routing;

import java.util.concurrent.atomic.AtomicReference;

/** The route table in force. Readers take one snapshot per exchange; writers swap a whole new table. */
public final class Routes {
    private final AtomicReference<RouteTable> current;

    public Routes(RouteTable initial) {
        this.current = new AtomicReference<>(initial);
    }

    public RouteTable current() {
        return current.get();
    }

    public void swap(RouteTable table) {
        current.set(table);
    }
}
