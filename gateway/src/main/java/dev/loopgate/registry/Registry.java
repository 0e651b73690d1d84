package dev.loopgate.registry;

import dev.loopgate.config.GatewayConfig;
import dev.loopgate.config.ServiceConfig;
import dev.loopgate.health.BackendStates;
import dev.loopgate.routing.BackendEntry;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.Routes;
import dev.loopgate.routing.ServiceEntry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every service and backend from every source — the config file and the API — merged into one route table.
 * Each change builds a new immutable table and swaps it in, as a file reload does. The file wins: an API service
 * whose name or routes the file claims is kept on disk but not routed, and that is reported.
 *
 * <p>This is the control plane: changes are rare and serialised by the object's monitor; the proxy only ever reads
 * the published table.
 */
public final class Registry {
    private static final Logger log = LoggerFactory.getLogger(Registry.class);

    private final Routes routes;
    private final RegistrationStore store;
    private final Clock clock;
    private final Consumer<String> backendGone;
    private boolean leasesUnsaved;
    private final BackendStates health;
    private final Map<String, Map<String, Registration>> api = new LinkedHashMap<>();
    private Map<String, Map<String, Registration>> docker = Map.of();
    private GatewayConfig file;
    private List<String> shadowed = List.of();

    /**
     * @param backendGone told the {@code host:port} of a backend that no longer serves any route, so its idle
     *     pooled connections can be closed
     */
    public Registry(
            Routes routes,
            GatewayConfig file,
            RegistrationStore store,
            Clock clock,
            Consumer<String> backendGone,
            BackendStates health) {
        this.health = health;
        this.routes = routes;
        this.file = file;
        this.store = store;
        this.clock = clock;
        this.backendGone = backendGone;
        for (Registration r : store == null ? List.<Registration>of() : store.load(clock.instant())) {
            api.computeIfAbsent(r.service(), s -> new LinkedHashMap<>()).put(r.id(), r);
        }
        publish();
    }

    /** The outcome of a PUT: created, or renewed (the same id again). */
    public enum Outcome {
        CREATED,
        RENEWED
    }

    public synchronized void fileChanged(GatewayConfig next) {
        file = next;
        publish();
    }

    public synchronized Outcome register(Registration r) throws RegistryException {
        ServiceConfig declared = file.services().get(r.service());
        if (declared != null) {
            requireFileRoutes(declared, r);
        }
        Map<String, Registration> existing = api.get(r.service());
        if (existing != null && !existing.isEmpty()) {
            Registration first = existing.values().iterator().next();
            requireSame("hosts", first.hosts(), r.hosts(), r.service());
            requireSame("paths", first.paths(), r.paths(), r.service());
            requireSame("strip_prefix", first.stripPrefix(), r.stripPrefix(), r.service());
        }
        String owner = declared == null ? claimOwner(r) : null;
        if (owner != null) {
            throw new RegistryException(409, "hosts", owner);
        }
        Outcome outcome = existing != null && existing.containsKey(r.id()) ? Outcome.RENEWED : Outcome.CREATED;
        Registration previous =
                api.computeIfAbsent(r.service(), s -> new LinkedHashMap<>()).put(r.id(), r);
        if (previous != null && previous.sameRoute(r)) {
            // A lease renewal (`loopgate run` sends one every few seconds): nothing routable changed, so no new route
            // table and no synchronous save; the next lease check, within a quarter second, writes it. A crash in
            // between only leaves a shorter lease on disk, which the client's next renewal extends again.
            leasesUnsaved = true;
            return outcome;
        }
        saveOrUndo(() -> {
            Map<String, Registration> regs = api.get(r.service());
            if (previous != null) {
                regs.put(r.id(), previous);
            } else {
                regs.remove(r.id());
                if (regs.isEmpty()) {
                    api.remove(r.service());
                }
            }
        });
        return outcome;
    }

    /**
     * A registration for a service the file declares takes that service over while it lives: its backends replace
     * the file's, and the file's hosts and paths stay. So it may not ask for other routes; the defaults (what
     * {@code loopgate run web} sends) or exactly the file's are fine.
     */
    private void requireFileRoutes(ServiceConfig declared, Registration r) throws RegistryException {
        boolean defaults = r.hosts().equals(List.of(r.service() + ".localhost"))
                && r.paths().equals(List.of("/"))
                && !r.stripPrefix();
        boolean same = r.hosts().equals(declared.hosts())
                && r.paths().equals(declared.paths())
                && r.stripPrefix() == declared.stripPrefix();
        if (!defaults && !same) {
            String field = !r.hosts().equals(declared.hosts())
                    ? "hosts"
                    : !r.paths().equals(declared.paths()) ? "paths" : "strip_prefix";
            throw new RegistryException(
                    409,
                    field,
                    "service '" + r.service() + "' is declared in " + file.source() + " with hosts "
                            + declared.hosts() + " and paths " + declared.paths()
                            + "; a registration takes over its backends and keeps those routes: register without"
                            + " hosts and paths, or under another name");
        }
    }

    private static void requireSame(String field, Object current, Object requested, String service)
            throws RegistryException {
        if (!Objects.equals(current, requested)) {
            throw new RegistryException(
                    409,
                    field,
                    "service '" + service + "' is registered with " + field + " " + current
                            + "; register with the same " + field + " or remove the service first");
        }
    }

    /** Who already routes a (host, path) of {@code r}, as a message; {@code null} when nobody does. */
    private String claimOwner(Registration r) {
        Map<String, String> claims = new HashMap<>();
        file.services()
                .values()
                .forEach(s -> claim(claims, s.hosts(), s.paths(), s.name() + "' (from " + file.source() + ")"));
        api.forEach((service, regs) -> {
            if (!service.equals(r.service()) && !regs.isEmpty()) {
                Registration first = regs.values().iterator().next();
                claim(claims, first.hosts(), first.paths(), service + "' (registered through the API)");
            }
        });
        for (String host : r.hosts()) {
            for (String path : r.paths()) {
                String owner = claims.get(host + " " + path);
                if (owner != null) {
                    return "http://" + host + path + " is already routed to service '" + owner;
                }
            }
        }
        return null;
    }

    private static void claim(Map<String, String> claims, List<String> hosts, List<String> paths, String owner) {
        for (String h : hosts) {
            for (String p : paths) {
                claims.putIfAbsent(h + " " + p, owner);
            }
        }
    }

    /** Removes one backend; {@code false} if there was no such registration. */
    /**
     * The routes of labelled containers, as the Docker provider last listed them: they replace the previous list.
     * A service the file or the API already has is left to them, with a warning.
     */
    public synchronized void dockerChanged(List<Registration> routes) {
        Map<String, Map<String, Registration>> next = new LinkedHashMap<>();
        for (Registration r : routes) {
            next.computeIfAbsent(r.service(), k -> new LinkedHashMap<>()).put(r.id(), r);
        }
        if (!next.equals(docker)) {
            docker = next;
            publish();
        }
    }

    public synchronized boolean deregister(String service, String id) throws RegistryException {
        Map<String, Registration> regs = api.get(service);
        Registration removed = regs == null ? null : regs.remove(id);
        if (removed == null) {
            return false;
        }
        if (regs.isEmpty()) {
            api.remove(service);
        }
        saveOrUndo(() -> api.computeIfAbsent(service, s -> regs).put(id, removed));
        backendGone.accept(removed.url().authority());
        return true;
    }

    /** Removes every API backend of a service; returns how many there were. */
    public synchronized int deregisterService(String service) throws RegistryException {
        Map<String, Registration> regs = api.remove(service);
        if (regs == null) {
            return 0;
        }
        saveOrUndo(() -> api.put(service, regs));
        regs.values().forEach(r -> backendGone.accept(r.url().authority()));
        return regs.size();
    }

    /** Drops registrations whose lease ran out, and saves renewed leases; called about every quarter second. */
    public synchronized void expireLeases() {
        Instant now = clock.instant();
        List<Registration> gone = new ArrayList<>();
        api.values().forEach(regs -> regs.values().removeIf(r -> r.expired(now) && gone.add(r)));
        if (gone.isEmpty()) {
            if (leasesUnsaved) {
                save();
            }
            return;
        }
        api.values().removeIf(Map::isEmpty);
        gone.forEach(r -> log.info("lease of {}/{} ({}) ran out; removed", r.service(), r.id(), r.url()));
        publishAndSave();
        gone.forEach(r -> backendGone.accept(r.url().authority()));
    }

    public synchronized List<Registration> registrations() {
        List<Registration> out = new ArrayList<>();
        api.values().forEach(regs -> out.addAll(regs.values()));
        return out;
    }

    /** API services not routed because the config file claims their name or routes, with the reason. */
    public synchronized List<String> shadowed() {
        return shadowed;
    }

    /** The health of every backend this registry routes; it outlives the route tables. */
    public BackendStates health() {
        return health;
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * Saves the registrations as they now are, then routes them. When the save fails (a read-only or full state
     * directory), {@code undo} puts memory back as it was and the caller hears 503: what the API says happened
     * and what a restart brings back always agree.
     */
    private void saveOrUndo(Runnable undo) throws RegistryException {
        if (store != null) {
            try {
                store.save(registrations());
                leasesUnsaved = false;
            } catch (IOException e) {
                undo.run();
                throw new RegistryException(
                        503,
                        null,
                        "cannot save the registrations to " + store.file() + " (" + e.getMessage()
                                + "); nothing was changed. Is the state directory writable and the disk not full?");
            }
        }
        publish();
    }

    /** For lease expiry: the removal stands even if it cannot be saved, since a restart drops lapsed leases too. */
    private void publishAndSave() {
        publish();
        save();
    }

    private void save() {
        if (store == null) {
            return;
        }
        try {
            store.save(registrations());
            leasesUnsaved = false;
        } catch (IOException e) {
            log.warn("cannot save API registrations to {}: {}", store.file(), e.getMessage());
        }
    }

    /** When the lease of an API backend runs out; {@code null} without a lease or for another source. */
    public synchronized Instant leaseExpiry(String service, String id) {
        Map<String, Registration> regs = api.get(service);
        Registration r = regs == null ? null : regs.get(id);
        return r == null ? null : r.expiresAt();
    }

    private void publish() {
        List<ServiceEntry> entries = new ArrayList<>();
        for (ServiceConfig s : file.services().values()) {
            Map<String, Registration> takeover = api.get(s.name());
            entries.add(
                    takeover == null || takeover.isEmpty()
                            ? ServiceEntry.fromFile(s)
                            : takenOver(s, takeover.values()));
        }
        Map<String, String> claims = new HashMap<>();
        file.services().values().forEach(s -> claim(claims, s.hosts(), s.paths(), s.name()));
        List<String> notRouted = new ArrayList<>();
        for (Map.Entry<String, Map<String, Registration>> e : api.entrySet()) {
            if (file.services().containsKey(e.getKey())) {
                continue;
            }
            String conflict = conflictWithFile("API", e.getKey(), e.getValue().values(), claims);
            if (conflict != null) {
                notRouted.add(conflict);
                continue;
            }
            entries.add(toEntry(e.getKey(), e.getValue().values(), "api"));
        }
        for (Map.Entry<String, Map<String, Registration>> e : docker.entrySet()) {
            String conflict =
                    conflictWithFile("Docker", e.getKey(), e.getValue().values(), claims);
            if (conflict == null && api.containsKey(e.getKey())) {
                conflict = "Docker service '" + e.getKey() + "' is registered through the API";
            }
            if (conflict != null) {
                notRouted.add(conflict);
                continue;
            }
            entries.add(toEntry(e.getKey(), e.getValue().values(), "docker"));
        }
        if (!notRouted.equals(shadowed)) {
            notRouted.forEach(s -> log.warn("not routed: {}", s));
        }
        shadowed = List.copyOf(notRouted);
        routes.swap(RouteTable.build(file, entries, health));
        // Under the registry's monitor, right after the table that routes them was built: no state a current table
        // uses is ever dropped, and a removed backend's state goes with it.
        java.util.Set<String> routed = new java.util.HashSet<>();
        entries.forEach(e -> e.backends().forEach(b -> routed.add(BackendStates.key(e.name(), b.id()))));
        health.retain(routed);
    }

    /** Why a service of {@code source} ("API", "Docker") cannot be routed beside the file's, or {@code null}. */
    private String conflictWithFile(
            String source, String service, Collection<Registration> regs, Map<String, String> fileClaims) {
        if (file.services().containsKey(service)) {
            return source + " service '" + service + "': the config file declares a service of that name";
        }
        Registration first = regs.iterator().next();
        if (first.hosts().contains(file.adminHost())) {
            return source + " service '" + service + "': " + file.adminHost() + " is the admin host";
        }
        for (String h : first.hosts()) {
            for (String p : first.paths()) {
                String owner = fileClaims.get(h + " " + p);
                if (owner != null) {
                    return source + " service '" + service + "': http://" + h + p + " is routed to '" + owner
                            + "' by the config file";
                }
            }
        }
        return null;
    }

    /** A file service whose backends are, for now, the ones registered under its name (by {@code loopgate run}). */
    private static ServiceEntry takenOver(ServiceConfig declared, Collection<Registration> regs) {
        return new ServiceEntry(
                declared.withBackends(regs.stream().map(Registration::url).toList())
                        .withoutProcess(),
                "file",
                regs.stream()
                        .map(r -> new BackendEntry(r.id(), r.url(), "api", r.expiresAt()))
                        .toList());
    }

    private static ServiceEntry toEntry(String service, Collection<Registration> regs, String source) {
        Registration first = regs.iterator().next();
        ServiceConfig config = new ServiceConfig(
                service,
                first.hosts(),
                first.paths(),
                first.stripPrefix(),
                regs.stream().map(Registration::url).toList(),
                first.health(),
                null);
        return new ServiceEntry(
                config,
                source,
                regs.stream()
                        .map(r -> new BackendEntry(r.id(), r.url(), source, r.expiresAt()))
                        .toList());
    }
}
