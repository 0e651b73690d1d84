package dev.loopgate.proxy;

/**
 * Where an {@link Exchange} is. Every move is one that {@link #canMoveTo} allows; any other is a bug and fails
 * loudly instead of leaving an exchange half in two places.
 */
enum ExchangePhase {
    /** Created; about to pick a backend. */
    NEW,
    /** No backend is up: waiting for one, up to the service's {@code wait}. */
    WAITING,
    /** Getting a backend connection: pooled or new, or again for a failover or the replay of a stale one. */
    CONNECTING,
    /** The request is on its way; no response head yet. {@code response_timeout} runs. */
    AWAITING_RESPONSE,
    /** A 1xx arrived and went on to the client; the final response is still to come. */
    INFORMATIONAL,
    /** The final response head arrived; its body streams to the client. */
    RESPONDING,
    /** A 101 accepted the WebSocket upgrade; the tunnel starts at the end of its (empty) body. */
    SWITCHING,
    /** Answered, aborted, or handed to a tunnel: every later event is ignored. */
    DONE;

    boolean canMoveTo(ExchangePhase next) {
        return switch (this) {
            case NEW -> next == WAITING || next == CONNECTING || next == DONE;
            case WAITING -> next == CONNECTING || next == DONE;
            case CONNECTING -> next == CONNECTING || next == AWAITING_RESPONSE || next == DONE;
            case AWAITING_RESPONSE -> next != NEW && next != WAITING && next != AWAITING_RESPONSE;
            case INFORMATIONAL -> next == AWAITING_RESPONSE || next == DONE;
            case RESPONDING, SWITCHING, DONE -> next == DONE;
        };
    }

    /** Sent, and still waiting for the final response head: {@code response_timeout} applies. */
    boolean awaitingFinalResponse() {
        return this == AWAITING_RESPONSE || this == INFORMATIONAL;
    }
}
