package dev.loopgate.proxy;

import dev.loopgate.config.DidYouMean;
import dev.loopgate.routing.HostNames;
import dev.loopgate.routing.Route;
import dev.loopgate.routing.RouteTable;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Decides, for a valid request head, where it goes: to a backend (a route, or straight to a loopback port for a
 * forward-proxy request), to the admin host, or to a local answer (403 for names loopgate does not serve, 404 for
 * what is not routed). The one place that makes this choice, for every client protocol; it reads only the route
 * table it is given.
 */
final class Dispatcher {
    /** Where a request goes. */
    sealed interface Decision permits Proxy, Admin, Local {}

    /** To a backend through an exchange. */
    record Proxy(Route route) implements Decision {}

    /** To the admin host, which loopgate answers itself. */
    record Admin() implements Decision {}

    /** Answered by loopgate with a problem page; {@code keepAlive} false when the connection must close after it. */
    record Local(Problem problem, boolean keepAlive) implements Decision {}

    private final IntSupplier port;

    Dispatcher(IntSupplier gatewayPort) {
        this.port = gatewayPort;
    }

    /**
     * @param host the normalized host of the target's authority or the Host header
     * @param remote the client's address
     */
    Decision decide(RequestTarget target, String host, InetSocketAddress remote, RouteTable table) {
        Route direct = directRoute(target, host, remote);
        if (direct != null) {
            return new Proxy(direct);
        }
        if (!table.serves(host)) {
            return new Local(notServed(host, target.authority() != null), false);
        }
        if (table.isAdminHost(host)) {
            return new Admin();
        }
        Route route =
                target.authority() == null && target.originForm().equals("*") ? null : table.match(host, target.path());
        if (route == null) {
            return new Local(notFound(table, host, target.path()), true);
        }
        return new Proxy(route);
    }

    /**
     * A forward-proxy request for {@code localhost:PORT} (or a loopback literal) on a port other than the gateway's
     * goes to that port, as it would without a proxy. {@code NO_PROXY=localhost} cannot say this: curl, Python and
     * Go take it to cover every {@code *.localhost} name too, which must go through loopgate. Only for clients on
     * this machine, so that in a container the gateway does not open its own loopback to the network.
     */
    private Route directRoute(RequestTarget target, String host, InetSocketAddress remote) {
        if (target.authority() == null || !HostNames.isLoopback(host)) {
            return null;
        }
        int given = HostNames.port(target.authority());
        int wanted = given < 0 ? 80 : given;
        if (wanted == 0 || wanted > 65535 || wanted == port.getAsInt()) {
            return null;
        }
        if (remote == null || !remote.getAddress().isLoopbackAddress()) {
            return null;
        }
        return Route.direct(new dev.loopgate.config.BackendUrl(host, wanted));
    }

    private Problem notServed(String host, boolean proxyForm) {
        if (proxyForm) {
            // Reached as a forward proxy (HTTP_PROXY from `loopgate env` or `loopgate run`) for a host it does not
            // serve: say so, and how to send that host direct instead.
            return new Problem(
                    HttpResponseStatus.FORBIDDEN,
                    "Not a served host",
                    "loopgate is not an open proxy: it forwards only to the local services it routes, and '" + host
                            + "' is not one of them. This request came here because HTTP_PROXY points at loopgate"
                            + " (set by 'loopgate env' or 'loopgate run').",
                    "To reach " + host + " directly, add it to NO_PROXY (and no_proxy): export NO_PROXY=\"$NO_PROXY,"
                            + host + "\" no_proxy=\"$no_proxy," + host + "\"; for Java, add it to"
                            + " -Dhttp.nonProxyHosts. Or run the command with 'loopgate run --no-proxy-env'.",
                    null,
                    null,
                    Map.of(),
                    null);
        }
        return Problem.of(
                HttpResponseStatus.FORBIDDEN,
                "'" + host + "' is not a localhost name. loopgate answers only for localhost, *.localhost, loopback"
                        + " addresses and configured names, which keeps web pages from reaching your dev servers"
                        + " through DNS rebinding.");
    }

    private Problem notFound(RouteTable table, String host, String path) {
        Map<String, List<String>> urls = table.urls(port.getAsInt());
        String origin = "http://%s" + (port.getAsInt() == 80 ? "" : ":" + port.getAsInt());
        List<String> paths = table.pathsOn(host);
        if (!paths.isEmpty()) {
            // The name is right but the path is not: point at what this host does serve, never back at this URL.
            String closest = DidYouMean.closest(path, paths);
            String suggestion = origin.formatted(host) + (closest != null ? closest : paths.get(0));
            return new Problem(
                    HttpResponseStatus.NOT_FOUND,
                    "No service here",
                    "Nothing is routed for " + host + " on " + path + "; " + host + " serves only "
                            + String.join(", ", paths) + ".",
                    "Use one of those paths, or add a route for " + path + " to the config file.",
                    null,
                    null,
                    urls,
                    suggestion);
        }
        List<String> names = new ArrayList<>();
        table.services().values().forEach(s -> s.config().hosts().stream()
                .filter(h -> !h.startsWith("*.") && !h.equals(host))
                .forEach(names::add));
        String closest = DidYouMean.closest(host, names);
        String close = closest == null
                ? null
                : origin.formatted(closest) + table.pathsOn(closest).get(0);
        return new Problem(
                HttpResponseStatus.NOT_FOUND,
                "No service here",
                "Nothing is routed for " + host + ".",
                "Check the name, or add the service to the config file.",
                null,
                null,
                urls,
                close);
    }
}
