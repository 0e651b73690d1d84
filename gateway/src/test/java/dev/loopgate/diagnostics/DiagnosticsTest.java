package dev.loopgate.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parsers on sample /proc content. */
class DiagnosticsTest {
    @TempDir
    Path proc;

    private static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid" + "  timeout inode\n";

    private static String row(int n, String local, String remote, String state, long inode) {
        return "   " + n + ": " + local + " " + remote + " " + state + " 00000000:00000000 00:00000000 00000000  1000"
                + "        0 " + inode + " 1 0000000000000000 100 0 0 10 0\n";
    }

    @Test
    void addressesAreDecodedFromKernelByteOrder() throws Exception {
        assertThat(SocketTable.address("0100007F")).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(SocketTable.address("00000000")).isEqualTo(InetAddress.getByName("0.0.0.0"));
        assertThat(SocketTable.address("00000000000000000000000001000000")).isEqualTo(InetAddress.getByName("::1"));
        List<SocketTable.Entry> rows =
                SocketTable.parse("tcp", HEADER + row(0, "0100007F:1435", "00000000:0000", "0A", 42));
        assertThat(rows).singleElement().satisfies(e -> {
            assertThat(e.port()).isEqualTo(5173);
            assertThat(e.listening()).isTrue();
            assertThat(e.inode()).isEqualTo(42);
        });
    }

    @Test
    void theEphemeralRangeAndItsExhaustion() throws Exception {
        Files.createDirectories(proc.resolve("sys/net/ipv4"));
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("sys/net/ipv4/ip_local_port_range"), "40000\t40009\n");
        StringBuilder tcp = new StringBuilder(HEADER);
        for (int i = 0; i < 9; i++) {
            // TIME_WAIT sockets still hold their ephemeral port
            tcp.append(row(i, "0100007F:" + Integer.toHexString(40000 + i).toUpperCase(), "0100007F:1F90", "06", 0));
        }
        tcp.append(row(9, "0100007F:1F90", "00000000:0000", "0A", 7));
        Files.writeString(proc.resolve("net/tcp"), tcp.toString());

        EphemeralRange range = EphemeralRange.read(proc);
        assertThat(range).isEqualTo(new EphemeralRange(40000, 40009));
        assertThat(range.inUse(SocketTable.read(proc, "tcp", "tcp6"))).isEqualTo(9);
        Check check = new Doctor(proc).ephemeral();
        assertThat(check.status()).isEqualTo(Check.Status.WARN);
        assertThat(check.message()).isEqualTo("40000–40009, 9 in use (90%); new outgoing connections will soon fail");
        assertThat(Doctor.ephemeral(new EphemeralRange(32768, 60999), 120).status())
                .isEqualTo(Check.Status.OK);
        assertThat(EphemeralRange.read(proc.resolve("missing"))).isEqualTo(EphemeralRange.LINUX_DEFAULT);
    }

    @Test
    void lsofOutputAsOnMacOsIsParsed() {
        String sample = "p4242\ncnode\nn[::1]:5173\np501\ncpostgres\nn127.0.0.1:5432\nn[::1]:5432\n"
                + "p88\ncrapportd\nn*:49152\n";
        List<Listeners.Listener> l = Lsof.parse(sample, EphemeralRange.LINUX_DEFAULT);
        assertThat(l)
                .extracting(x -> x.addressText() + ":" + x.port() + " " + x.process() + " " + x.pid() + " " + x.flags())
                .containsExactly(
                        "::1:5173 node 4242 [ipv6-only]",
                        "127.0.0.1:5432 postgres 501 []",
                        "::1:5432 postgres 501 []",
                        ":::49152 rapportd 88 [exposed, ephemeral]");
    }

    @Test
    void listenersFromSampleTablesCarryFlagsEvenWithoutVisibleOwners() throws Exception {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(
                proc.resolve("net/tcp"),
                HEADER
                        + row(0, "00000000:0BB8", "00000000:0000", "0A", 1)
                        + row(1, "0100007F:1F90", "00000000:0000", "0A", 2));
        Files.writeString(
                proc.resolve("net/tcp6"),
                HEADER
                        + row(
                                0,
                                "00000000000000000000000001000000:1435",
                                "00000000000000000000000000000000:0000",
                                "0A",
                                3)
                        + row(
                                1,
                                "00000000000000000000000001000000:1F90",
                                "00000000000000000000000000000000:0000",
                                "0A",
                                4));
        List<Listeners.Listener> l = Listeners.scan(proc, false);
        assertThat(l)
                .extracting(x -> x.addressText() + ":" + x.port() + " " + x.flags() + " " + x.pid())
                .containsExactly(
                        "0.0.0.0:3000 [exposed] -1",
                        "::1:5173 [ipv6-only] -1",
                        "127.0.0.1:8080 [] -1",
                        "::1:8080 [] -1");
    }
}
