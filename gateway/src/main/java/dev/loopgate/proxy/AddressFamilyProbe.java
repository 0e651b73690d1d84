package dev.loopgate.proxy;

import dev.loopgate.diagnostics.PortOwner;
import dev.loopgate.routing.Backend;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Explains the commonest "connection refused" on a developer machine: the dev server listens on the other loopback
 * address family (only {@code ::1}, or only {@code 127.0.0.1}) than the one the backend URL names.
 */
final class AddressFamilyProbe {
    private static final int PROBE_TIMEOUT_MILLIS = 250;

    private AddressFamilyProbe() {}

    static void explain(
            Backend backend, EventLoop loop, BackendConnector connector, Problem refused, Consumer<Problem> done) {
        String host = backend.url().host();
        int port = backend.url().port();
        InetSocketAddress other;
        String otherName;
        if (host.startsWith("127.")) {
            other = new InetSocketAddress(BackendConnector.ipv6Loopback(), port);
            otherName = "[::1]:" + port;
        } else if (host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")) {
            other = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            otherName = "127.0.0.1:" + port;
        } else {
            done.accept(refused);
            return;
        }
        connector.probe(loop, other, PROBE_TIMEOUT_MILLIS, open -> {
            if (!open) {
                done.accept(refused);
                return;
            }
            // Finding the process reads /proc: off the event loop, then back on it to answer.
            java.util.concurrent.CompletableFuture.supplyAsync(() -> PortOwner.find(port)
                            .map(PortOwner.Process::toString)
                            .orElse("something"))
                    .exceptionally(e -> "something")
                    .thenAccept(
                            owner -> loop.execute(() -> done.accept(otherFamily(backend, refused, otherName, owner))));
        });
    }

    private static Problem otherFamily(Backend backend, Problem refused, String otherName, String owner) {
        int port = backend.url().port();
        String family = otherName.startsWith("[") ? "IPv6 (::1) only" : "IPv4 (127.0.0.1) only";
        return new Problem(
                refused.status(),
                "The backend listens on the other loopback address",
                "Nothing listens on " + backend.url().authority() + ", but " + owner + " listens on " + otherName
                        + ": the dev server of '" + backend.service() + "' is bound to " + family + ".",
                "Use http://localhost:" + port + " as the backend (loopgate then tries 127.0.0.1 and ::1), or"
                        + " start the dev server with --host " + (otherName.startsWith("[") ? "127.0.0.1" : "::1")
                        + ".",
                backend.service(),
                backend.id(),
                java.util.Map.of(),
                null);
    }
}
