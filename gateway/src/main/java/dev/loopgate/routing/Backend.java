package dev.loopgate.routing;

import dev.loopgate.config.BackendUrl;

/**
 * One backend of a service, as the proxy dials it. For a {@code localhost} backend it remembers which loopback
 * address answered last, so that later connections go there first.
 */
public final class Backend {
    private final String service;
    private final String id;
    private final BackendUrl url;
    private volatile boolean preferIpv6;

    public Backend(String service, String id, BackendUrl url) {
        this.service = service;
        this.id = id;
        this.url = url;
    }

    public String service() {
        return service;
    }

    public String id() {
        return id;
    }

    public BackendUrl url() {
        return url;
    }

    public boolean preferIpv6() {
        return preferIpv6;
    }

    public void preferIpv6(boolean value) {
        preferIpv6 = value;
    }

    @Override
    public String toString() {
        return service + "/" + id + " (" + url + ")";
    }
}
