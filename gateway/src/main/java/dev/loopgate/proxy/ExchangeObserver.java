package dev.loopgate.proxy;

/** Told of every finished exchange (for metrics). Called on the event loop: it must be quick and must not block. */
public interface ExchangeObserver {
    ExchangeObserver NONE = (service, method, status, nanos) -> { };

    /**
     * @param service the service name, {@code admin} for the admin host, {@code none} when nothing was routed
     * @param status the response status, 0 when the exchange broke before one was sent
     */
    void completed(String service, String method, int status, long durationNanos);
}
