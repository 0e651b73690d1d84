package dev.loopgate.proxy;

/** Told of every finished exchange (metrics, the inspector). Called on the event loop: quick, never blocking. */
public interface ExchangeObserver {
    ExchangeObserver NONE = record -> {};

    void completed(ExchangeRecord record);

    /** Tells {@code first}, then {@code second}. */
    static ExchangeObserver both(ExchangeObserver first, ExchangeObserver second) {
        return record -> {
            first.completed(record);
            second.completed(record);
        };
    }
}
