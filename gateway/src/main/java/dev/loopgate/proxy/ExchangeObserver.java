package dev.loopgate.proxy;

/** Told of every finished exchange (metrics, the inspector). Called on the event loop: quick, never blocking. */
public interface ExchangeObserver {
    ExchangeObserver NONE = record -> {};

    void completed(ExchangeRecord record);

    /** A TLS handshake failed; {@code reason} as in {@code loopgate_tls_handshake_failures_total}. */
    default void handshakeFailed(String reason) {}

    /** Tells {@code first}, then {@code second}. */
    static ExchangeObserver both(ExchangeObserver first, ExchangeObserver second) {
        return new ExchangeObserver() {
            @Override
            public void completed(ExchangeRecord record) {
                first.completed(record);
                second.completed(record);
            }

            @Override
            public void handshakeFailed(String reason) {
                first.handshakeFailed(reason);
                second.handshakeFailed(reason);
            }
        };
    }
}
