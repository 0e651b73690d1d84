package dev.loopgate.routing;

import java.util.concurrent.atomic.AtomicReference;

/** The route table in force. Readers take one snapshot per exchange; writers swap a whole new table. */
public final class Routes {
    private final AtomicReference<RouteTable> current;
    private final java.util.List<java.util.function.Consumer<RouteTable>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public Routes(RouteTable initial) {
        this.current = new AtomicReference<>(initial);
    }

    public RouteTable current() {
        return current.get();
    }

    public void swap(RouteTable table) {
        current.set(table);
        listeners.forEach(l -> l.accept(table));
    }

    /** Told of every new table (on the thread that swapped it in), e.g. to keep a hosts file in sync. */
    public void onSwap(java.util.function.Consumer<RouteTable> listener) {
        listeners.add(listener);
    }
}
