package dev.loopgate.diagnostics;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The two loopback addresses a dev server may listen on, without asking a resolver. */
public final class Loopback {
    /** {@code ::1}, named {@code localhost}. */
    public static final InetAddress IPV6 = ipv6();

    private Loopback() {}

    private static InetAddress ipv6() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
