package dev.loopgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static final RouteTable TABLE = table(
            """
            services:
              web: 3000
              api:
                hosts: [web.localhost]
                paths: [/api]
                strip_prefix: true
                port: 3001
              v2:
                hosts: [web.localhost]
                paths: [/api/v2]
                port: 3002
              tenants:
                hosts: ["*.web.localhost"]
                port: 3003
              deep:
                hosts: ["*.eu.web.localhost"]
                port: 3004
              named:
                hosts: [myapp.test]
                port: 3005
            """);

    private static RouteTable table(String yaml) {
        try {
            return RouteTable.build(ConfigLoader.parse(yaml, "t.yaml"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String service(String host, String path) {
        Route r = TABLE.match(host, path);
        return r == null ? null : r.serviceName();
    }

    @Test
    void longestPathPrefixOnWholeSegmentsWins() {
        assertThat(service("web.localhost", "/")).isEqualTo("web");
        assertThat(service("web.localhost", "/api")).isEqualTo("api");
        assertThat(service("web.localhost", "/api/")).isEqualTo("api");
        assertThat(service("web.localhost", "/api/users")).isEqualTo("api");
        assertThat(service("web.localhost", "/apix")).isEqualTo("web");
        assertThat(service("web.localhost", "/api/v2/x")).isEqualTo("v2");
        assertThat(service("web.localhost", "/api/v20")).isEqualTo("api");
    }

    @Test
    void exactHostBeatsWildcardAndLongestWildcardSuffixWins() {
        assertThat(service("a.web.localhost", "/")).isEqualTo("tenants");
        assertThat(service("a.b.web.localhost", "/x")).isEqualTo("tenants");
        assertThat(service("x.eu.web.localhost", "/")).isEqualTo("deep");
        assertThat(service("eu.web.localhost", "/")).isEqualTo("tenants");
        assertThat(service("other.localhost", "/")).isNull();
        assertThat(service("myapp.test", "/")).isEqualTo("named");
    }

    @Test
    void stripPrefixRewritesTheTarget() {
        Route api = TABLE.match("web.localhost", "/api/users");
        assertThat(api.rewriteTarget("/api/users?page=2")).isEqualTo("/users?page=2");
        assertThat(api.rewriteTarget("/api")).isEqualTo("/");
        assertThat(api.rewriteTarget("/api?q=1")).isEqualTo("/?q=1");
        assertThat(api.rewriteTarget("/api/")).isEqualTo("/");
        Route v2 = TABLE.match("web.localhost", "/api/v2/x");
        assertThat(v2.rewriteTarget("/api/v2/x")).isEqualTo("/api/v2/x");
    }

    @Test
    void hostsAreNormalizedFromHostHeaders() {
        assertThat(HostNames.normalize("Web.LocalHost:8080")).isEqualTo("web.localhost");
        assertThat(HostNames.normalize("web.localhost.")).isEqualTo("web.localhost");
        assertThat(HostNames.normalize("[::1]:80")).isEqualTo("::1");
        assertThat(HostNames.normalize("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(HostNames.normalize("user@web.localhost")).isNull();
        assertThat(HostNames.normalize("web.localhost:80x")).isNull();
        assertThat(HostNames.normalize("")).isNull();
        assertThat(HostNames.normalize("a b")).isNull();
        assertThat(HostNames.normalize("web.localhost:")).isEqualTo("web.localhost");
        assertThat(HostNames.normalize("web.localhost:123456")).isNull();
        assertThat(HostNames.normalize("[::1")).isNull();
        assertThat(HostNames.normalize("[fe80::zz]")).isNull();
        assertThat(HostNames.normalize("[::1]x")).isNull();
        assertThat(HostNames.normalize("web_local-1.localhost")).isEqualTo("web_local-1.localhost");
        assertThat(HostNames.normalize("wéb.localhost")).isNull();
        assertThat(TABLE.serves("127.0.0.256")).isFalse();
        assertThat(TABLE.serves("127.0.0.")).isFalse();
        assertThat(TABLE.serves("127.0.0.1000")).isFalse();
    }

    @Test
    void onlyLocalAndConfiguredNamesAreServed() {
        assertThat(TABLE.serves("localhost")).isTrue();
        assertThat(TABLE.serves("anything.localhost")).isTrue();
        assertThat(TABLE.serves("127.0.0.1")).isTrue();
        assertThat(TABLE.serves("127.9.9.9")).isTrue();
        assertThat(TABLE.serves("::1")).isTrue();
        assertThat(TABLE.serves("myapp.test")).isTrue();
        assertThat(TABLE.serves("loopgate.localhost")).isTrue();
        assertThat(TABLE.serves("localhost.evil.com")).isFalse();
        assertThat(TABLE.serves("0.0.0.0")).isFalse();
        assertThat(TABLE.serves("192.168.1.10")).isFalse();
        assertThat(TABLE.serves("127.0.0.1.nip.io")).isFalse();
        assertThat(TABLE.serves("evil.com")).isFalse();
    }

    @Test
    void roundRobinAcrossBackends() {
        RouteTable t = table("services:\n  api:\n    backends: [http://127.0.0.1:1, http://127.0.0.1:2]\n");
        Route r = t.match("api.localhost", "/");
        assertThat(r.pick().id()).isEqualTo("127.0.0.1:1");
        assertThat(r.pick().id()).isEqualTo("127.0.0.1:2");
        assertThat(r.pick().id()).isEqualTo("127.0.0.1:1");
        assertThat(r.after(r.backends().get(0), 1).id()).isEqualTo("127.0.0.1:2");
        assertThat(r.after(r.backends().get(0), 2)).isNull();
    }

    @Test
    void leastRequestSendsNewRequestsToTheLessBusyBackend() {
        RouteTable t = table("services:\n  api:\n    balance: least_request\n"
                + "    backends: [http://127.0.0.1:1, http://127.0.0.1:2]\n");
        Route r = t.match("api.localhost", "/");
        Backend busy = r.backends().get(0);
        for (int i = 0; i < 5; i++) {
            busy.started();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(r.pick().id()).isEqualTo("127.0.0.1:2");
        }
        for (int i = 0; i < 5; i++) {
            busy.ended();
        }
        java.util.Set<String> picked = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            picked.add(r.pick().id());
        }
        assertThat(picked).containsExactlyInAnyOrder("127.0.0.1:1", "127.0.0.1:2");
    }

    @Test
    void downBackendsAreSkippedAndNoneUpMeansNoPick() {
        RouteTable t = table("services:\n  api:\n    backends: [http://127.0.0.1:1, http://127.0.0.1:2]\n");
        Route r = t.match("api.localhost", "/");
        r.backends().get(0).reportFailure("connection refused");
        for (int i = 0; i < 6; i++) {
            assertThat(r.pick().id()).isEqualTo("127.0.0.1:2");
        }
        r.backends().get(1).reportFailure("connection refused");
        assertThat(r.pick()).isNull();
    }

    @Test
    void servedUrlsCarryThePortUnlessItIs80() {
        assertThat(TABLE.urls(80).get("web")).containsExactly("http://web.localhost/");
        assertThat(TABLE.urls(8080).get("api")).containsExactly("http://web.localhost:8080/api");
    }
}
