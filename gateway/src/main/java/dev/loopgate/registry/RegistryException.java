package dev.loopgate.registry;

/** A registration the registry refuses, with the HTTP status, the field at fault and what to do. */
public final class RegistryException extends Exception {
    private final int status;
    private final String field;

    public RegistryException(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public int status() {
        return status;
    }

    /** The request field at fault, or {@code null}. */
    public String field() {
        return field;
    }
}
