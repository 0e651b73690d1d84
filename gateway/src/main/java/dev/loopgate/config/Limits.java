package dev.loopgate.config;

/** Size limits on what clients send. Bodies have none: they are streamed. */
public record Limits(int maxRequestLine, int maxHeaderSize) {
    /** 16 KiB request line and 64 KiB of headers: dev browsers carry many {@code localhost} cookies. */
    public static final Limits DEFAULT = new Limits(16 * 1024, 64 * 1024);
}
