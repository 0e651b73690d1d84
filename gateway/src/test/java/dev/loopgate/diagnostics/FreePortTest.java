package dev.loopgate.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The port {@code loopgate run} gives a dev server: below the ephemeral range, and free. */
class FreePortTest {
    @Test
    void picksAFreePortBelowTheEphemeralRange() throws Exception {
        EphemeralRange range = new EphemeralRange(32768, 60999);
        for (int i = 0; i < 20; i++) {
            int port = FreePort.pick(range);
            assertThat(port).isBetween(FreePort.LOWEST, 32767);
            assertThat(range.contains(port)).isFalse();
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aRangeThatStartsLowStillGetsAPort() throws Exception {
        int port = FreePort.pick(new EphemeralRange(1024, 65535));
        assertThat(port).isBetween(1, 65535);
    }
}
