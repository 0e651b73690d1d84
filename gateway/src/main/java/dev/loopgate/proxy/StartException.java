package dev.loopgate.proxy;

/** The gateway could not start listening; the message says why and what to do. */
public final class StartException extends Exception {
    public StartException(String message, Throwable cause) {
        super(message, cause);
    }
}
