package dev.loopgate.diagnostics;

/** One doctor verdict: what was checked, how it went, and the one-line fix when it did not go well. */
public record Check(String name, Status status, String message, String fix) {
    /** Warnings are worth knowing but do not fail {@code doctor}. */
    public enum Status {
        OK,
        WARN,
        FAIL
    }

    public static Check ok(String name, String message) {
        return new Check(name, Status.OK, message, null);
    }

    public static Check warn(String name, String message, String fix) {
        return new Check(name, Status.WARN, message, fix);
    }

    public static Check fail(String name, String message, String fix) {
        return new Check(name, Status.FAIL, message, fix);
    }
}
