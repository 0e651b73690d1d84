package dev.loopgate.diagnostics;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Listening TCP sockets where there is no {@code /proc} (macOS, the BSDs), from
 * {@code lsof -nP -iTCP -sTCP:LISTEN -F pcn}: one {@code p<pid>}, {@code c<command>} pair per process, then an
 * {@code n<address>:<port>} line per socket.
 */
public final class Lsof {
    private Lsof() {}

    /** The sockets lsof shows, or {@code null} when lsof is missing or fails. */
    public static List<Listeners.Listener> scan(EphemeralRange range) {
        try {
            Process p = new ProcessBuilder("lsof", "-nP", "-iTCP", "-sTCP:LISTEN", "-F", "pcn")
                    .redirectErrorStream(false)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return parse(out, range);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static List<Listeners.Listener> parse(String output, EphemeralRange range) {
        List<SocketTable.Entry> entries = new ArrayList<>();
        List<long[]> owners = new ArrayList<>();
        List<String> names = new ArrayList<>();
        long pid = -1;
        String command = "";
        for (String line : output.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            char kind = line.charAt(0);
            String value = line.substring(1).trim();
            if (kind == 'p') {
                pid = Long.parseLong(value);
            } else if (kind == 'c') {
                command = value;
            } else if (kind == 'n') {
                int colon = value.lastIndexOf(':');
                String host = value.substring(0, colon).replace("[", "").replace("]", "");
                try {
                    InetAddress address = InetAddress.getByName(host.equals("*") ? "::" : host);
                    entries.add(new SocketTable.Entry(
                            address.getAddress().length == 16 ? "tcp6" : "tcp",
                            address,
                            Integer.parseInt(value.substring(colon + 1)),
                            SocketTable.TCP_LISTEN,
                            entries.size()));
                    owners.add(new long[] {pid});
                    names.add(command);
                } catch (IOException | NumberFormatException e) {
                    // a line we do not understand is skipped
                }
            }
        }
        List<Listeners.Listener> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            SocketTable.Entry e = entries.get(i);
            out.add(new Listeners.Listener(
                    "tcp",
                    e.address(),
                    e.port(),
                    owners.get(i)[0],
                    names.get(i),
                    names.get(i),
                    Listeners.flags(e, entries, range)));
        }
        out.sort(java.util.Comparator.comparingInt(Listeners.Listener::port));
        return out;
    }
}
