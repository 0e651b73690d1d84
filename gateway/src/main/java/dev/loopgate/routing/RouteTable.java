package dev.loopgate.routing;

import dev.loopgate.config.GatewayConfig;
import dev.loopgate.config.ServiceConfig;
import dev.loopgate.health.BackendStates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of every route. A config change builds a new table and swaps it in whole; an exchange keeps
 * the table it started with.
 *
 * <p>Matching: an exact host beats wildcards, and among wildcards the longest suffix wins; within a host the longest
 * path prefix on whole segments wins. When the best host has no matching path, the next host candidate is tried.
 */
public final class RouteTable {
    private final GatewayConfig config;
    private final Map<String, List<Route>> exact;
    private final List<Map.Entry<String, List<Route>>> wildcards;
    private final Map<String, ServiceEntry> services;

    private RouteTable(
            GatewayConfig config,
            Map<String, ServiceEntry> services,
            Map<String, List<Route>> exact,
            List<Map.Entry<String, List<Route>>> wildcards) {
        this.config = config;
        this.exact = exact;
        this.wildcards = wildcards;
        this.services = services;
    }

    /** The routes of a config file alone, with fresh health states (for tests and tools). */
    public static RouteTable build(GatewayConfig config) {
        return build(
                config,
                config.services().values().stream().map(ServiceEntry::fromFile).toList(),
                new BackendStates(java.time.Clock.systemUTC()));
    }

    /**
     * The routes of the given services (from every source), with the gateway settings of {@code config}; each
     * backend's health comes from {@code health}, so it survives the rebuild.
     */
    public static RouteTable build(
            GatewayConfig config, java.util.Collection<ServiceEntry> entries, BackendStates health) {
        Map<String, List<Route>> exact = new HashMap<>();
        Map<String, List<Route>> wild = new HashMap<>();
        Map<String, ServiceEntry> services = new LinkedHashMap<>();
        for (ServiceEntry entry : entries) {
            services.put(entry.name(), entry);
            ServiceConfig s = entry.config();
            List<Backend> backends = new ArrayList<>();
            for (BackendEntry b : entry.backends()) {
                backends.add(new Backend(s.name(), b.id(), b.url(), health));
            }
            for (String path : s.paths()) {
                Route route = new Route(s, path, backends);
                for (String host : s.hosts()) {
                    Map<String, List<Route>> target = host.startsWith("*.") ? wild : exact;
                    target.computeIfAbsent(host, h -> new ArrayList<>()).add(route);
                }
            }
        }
        Comparator<Route> longestPrefixFirst =
                Comparator.comparingInt((Route r) -> r.pathPrefix().length()).reversed();
        exact.values().forEach(l -> l.sort(longestPrefixFirst));
        wild.values().forEach(l -> l.sort(longestPrefixFirst));
        List<Map.Entry<String, List<Route>>> wildcards = new ArrayList<>(wild.entrySet());
        wildcards.sort(Comparator.comparingInt(
                        (Map.Entry<String, List<Route>> e) -> e.getKey().length())
                .reversed());
        return new RouteTable(
                config, java.util.Collections.unmodifiableMap(services), Map.copyOf(exact), List.copyOf(wildcards));
    }

    public GatewayConfig config() {
        return config;
    }

    public Map<String, ServiceEntry> services() {
        return services;
    }

    /** The route for a normalized host and a request path (without query), or {@code null}. */
    public Route match(String host, String path) {
        Route r = matchPath(exact.get(host), path);
        if (r != null) {
            return r;
        }
        for (Map.Entry<String, List<Route>> w : wildcards) {
            if (HostNames.matches(w.getKey(), host)) {
                r = matchPath(w.getValue(), path);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    private static Route matchPath(List<Route> routes, String path) {
        if (routes == null) {
            return null;
        }
        for (Route r : routes) {
            if (r.matchesPath(path)) {
                return r;
            }
        }
        return null;
    }

    /** One route of a service (they share its backends), or {@code null} if no such service is routed. */
    public Route routeFor(String service) {
        for (List<Route> routes : exact.values()) {
            for (Route r : routes) {
                if (r.serviceName().equals(service)) {
                    return r;
                }
            }
        }
        for (Map.Entry<String, List<Route>> w : wildcards) {
            for (Route r : w.getValue()) {
                if (r.serviceName().equals(service)) {
                    return r;
                }
            }
        }
        return null;
    }

    /** The path prefixes routed on a host (exact routes first, then matching wildcards), each once. */
    public List<String> pathsOn(String host) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        exact.getOrDefault(host, List.of()).forEach(r -> out.add(r.pathPrefix()));
        for (Map.Entry<String, List<Route>> w : wildcards) {
            if (HostNames.matches(w.getKey(), host)) {
                w.getValue().forEach(r -> out.add(r.pathPrefix()));
            }
        }
        return List.copyOf(out);
    }

    /** Whether the gateway may answer for this host at all: local names, the admin host, or configured names. */
    public boolean serves(String host) {
        if (HostNames.isLocal(host) || host.equals(config.adminHost()) || exact.containsKey(host)) {
            return true;
        }
        for (Map.Entry<String, List<Route>> w : wildcards) {
            if (HostNames.matches(w.getKey(), host)) {
                return true;
            }
        }
        return false;
    }

    public boolean isAdminHost(String host) {
        return host.equals(config.adminHost());
    }

    /** Every routed URL per service, as a user would type it, for banners and the "not found" page. */
    public Map<String, List<String>> urls(int port) {
        return urls(port, 0);
    }

    /** Every routed URL per service: the http ones, then, when {@code httpsPort} is not 0, the https ones. */
    public Map<String, List<String>> urls(int port, int httpsPort) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (ServiceEntry e : services.values()) {
            ServiceConfig s = e.config();
            List<String> urls = new ArrayList<>();
            addUrls(urls, s, "http://", port == 80 ? "" : ":" + port);
            if (httpsPort != 0) {
                addUrls(urls, s, "https://", httpsPort == 443 ? "" : ":" + httpsPort);
            }
            out.put(s.name(), urls);
        }
        return out;
    }

    private static void addUrls(List<String> urls, ServiceConfig s, String scheme, String portPart) {
        for (String host : s.hosts()) {
            for (String path : s.paths()) {
                urls.add(scheme + host + portPart + (path.equals("/") ? "/" : path));
            }
        }
    }
}
