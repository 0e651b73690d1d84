package dev.loopgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.TestBackend;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The registration API through real HTTP: what it accepts, what it refuses and why, and what routes result. */
class RegistrationApiTest {
    private static final String ADMIN = "loopgate.localhost";
    private TestBackend one;
    private TestBackend two;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        one = TestBackend.http(TestBackend.text("one"));
        two = TestBackend.http(TestBackend.text("two"));
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + one.port() + "\n");
    }

    @AfterEach
    void stop() {
        gateway.close();
        one.close();
        two.close();
    }

    private HttpResponse<String> put(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder b = gateway.request(ADMIN, path)
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .header("Authorization", "Bearer " + GatewayFixture.TOKEN)
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return gateway.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return gateway.client()
                .send(
                        gateway.request(ADMIN, path)
                                .DELETE()
                                .header("Authorization", "Bearer " + GatewayFixture.TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private String url(TestBackend b) {
        return "{\"url\": \"http://127.0.0.1:" + b.port() + "\"}";
    }

    @Test
    void registerRenewRouteAndDeregister() throws Exception {
        HttpResponse<String> created = put("/api/v1/services/api/backends/a1", url(one));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"result\":\"created\"").contains("\"service\":\"api\"");
        HttpResponse<String> renewed = put("/api/v1/services/api/backends/a1", url(one));
        assertThat(renewed.statusCode()).isEqualTo(200);
        assertThat(renewed.body()).contains("\"result\":\"renewed\"");

        assertThat(gateway.get("api.localhost", "/").body()).isEqualTo("one");
        String listing = gateway.get(ADMIN, "/api/v1/services").body();
        assertThat(listing)
                .contains("\"name\":\"api\"")
                .contains("\"source\":\"api\"")
                .contains("\"id\":\"a1\"")
                .contains("\"urls\":[\"http://api.localhost:" + gateway.port() + "/\"]");

        assertThat(delete("/api/v1/services/api/backends/a1").statusCode()).isEqualTo(204);
        assertThat(gateway.get("api.localhost", "/").statusCode()).isEqualTo(404);
        assertThat(delete("/api/v1/services/api/backends/a1").statusCode()).isEqualTo(404);
    }

    @Test
    void twoInstancesOfOneServiceBothReceiveTraffic() throws Exception {
        assertThat(put("/api/v1/services/api/backends/i1", url(one)).statusCode())
                .isEqualTo(201);
        assertThat(put("/api/v1/services/api/backends/i2", url(two)).statusCode())
                .isEqualTo(201);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            bodies.add(gateway.get("api.localhost", "/").body());
        }
        assertThat(bodies).contains("one", "two");
        assertThat(delete("/api/v1/services/api").statusCode()).isEqualTo(204);
        assertThat(gateway.get("api.localhost", "/").statusCode()).isEqualTo(404);
    }

    @Test
    void hostsPathsAndStripPrefixAreRegistered() throws Exception {
        TestBackend echo = TestBackend.http(
                (ctx, req) -> TestBackend.send(ctx, req, io.netty.handler.codec.http.HttpResponseStatus.OK, req.uri()));
        try {
            assertThat(put(
                                    "/api/v1/services/docs/backends/d",
                                    "{\"url\": \"http://127.0.0.1:" + echo.port()
                                            + "\", \"hosts\": [\"web.localhost\"], \"paths\": [\"/docs\"], \"strip_prefix\": true,"
                                            + " \"ttl\": \"30s\", \"health\": {\"path\": \"/health\", \"interval\": \"1s\"}}")
                            .statusCode())
                    .isEqualTo(201);
            assertThat(gateway.get("web.localhost", "/docs/intro").body()).isEqualTo("/intro");
            assertThat(gateway.get("web.localhost", "/other").body()).isEqualTo("one");
            assertThat(gateway.get(ADMIN, "/api/v1/services").body()).contains("\"lease_expires_at\":\"20");
        } finally {
            echo.close();
        }
    }

    @Test
    void aRegistrationTakesAFileServiceOverWhileItLivesAndKeepsTheFileRoutes() throws Exception {
        assertThat(gateway.get("web.localhost", "/").body()).isEqualTo("one");
        HttpResponse<String> takeover = put("/api/v1/services/web/backends/run-1", url(two));
        assertThat(takeover.statusCode()).as(takeover.body()).isEqualTo(201);
        assertThat(gateway.get("web.localhost", "/").body())
                .as("the registered backend replaces the file's")
                .isEqualTo("two");
        String services = gateway.get(ADMIN, "/api/v1/services").body();
        assertThat(services)
                .contains("\"name\":\"web\"")
                .contains("\"source\":\"file\"")
                .contains("\"id\":\"run-1\"")
                .doesNotContain("\"id\":\"127.0.0.1:" + one.port() + "\"");
        assertThat(gateway.registry().shadowed()).isEmpty();

        assertThat(delete("/api/v1/services/web/backends/run-1").statusCode()).isEqualTo(204);
        assertThat(gateway.get("web.localhost", "/").body())
                .as("the file's backend is back when the registration goes")
                .isEqualTo("one");
    }

    @Test
    void conflictsAre409AndNameTheOwner() throws Exception {
        HttpResponse<String> fileName = put(
                "/api/v1/services/web/backends/x",
                "{\"url\": \"http://127.0.0.1:" + two.port() + "\", \"paths\": [\"/other\"]}");
        assertThat(fileName.statusCode()).isEqualTo(409);
        assertThat(fileName.body())
                .contains("declared in test.yaml with hosts [web.localhost] and paths [/]")
                .contains("\"field\":\"paths\"");

        HttpResponse<String> fileHost = put(
                "/api/v1/services/site/backends/x",
                "{\"url\": \"http://127.0.0.1:" + two.port() + "\", \"hosts\": [\"web.localhost\"]}");
        assertThat(fileHost.statusCode()).isEqualTo(409);
        assertThat(fileHost.body())
                .contains("http://web.localhost/ is already routed to service 'web' (from test.yaml)");

        assertThat(put("/api/v1/services/api/backends/a", url(one)).statusCode())
                .isEqualTo(201);
        HttpResponse<String> apiHost = put(
                "/api/v1/services/other/backends/b",
                "{\"url\": \"http://127.0.0.1:" + two.port() + "\", \"hosts\": [\"api.localhost\"]}");
        assertThat(apiHost.statusCode()).isEqualTo(409);
        assertThat(apiHost.body()).contains("service 'api' (registered through the API)");

        HttpResponse<String> otherHosts = put(
                "/api/v1/services/api/backends/c",
                "{\"url\": \"http://127.0.0.1:" + two.port() + "\", \"hosts\": [\"a2.localhost\"]}");
        assertThat(otherHosts.statusCode()).isEqualTo(409);
        assertThat(otherHosts.body()).contains("\"field\":\"hosts\"");
        assertThat(gateway.registry().registrations()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            not JSON                   | api | a | {url:                                        | 400 |
            no url                     | api | a | {}                                           | 400 | url
            ftp url                    | api | a | {"url": "ftp://127.0.0.1:21"}                | 400 | url
            url without port           | api | a | {"url": "http://127.0.0.1"}                  | 400 | url
            LAN target                 | api | a | {"url": "http://192.168.1.10:80"}            | 400 | url
            link-local metadata        | api | a | {"url": "http://169.254.169.254:80"}         | 400 | url
            a name that may go anywhere| api | a | {"url": "http://example.com:80"}             | 400 | url
            unknown field              | api | a | {"url": "http://127.0.0.1:1", "ttls": "1s"}  | 400 | ttls
            ttl without unit           | api | a | {"url": "http://127.0.0.1:1", "ttl": "30"}   | 400 | ttl
            host with port             | api | a | {"url": "http://127.0.0.1:1", "hosts": ["a.localhost:80"]} | 400 | hosts[0]
            the admin host             | api | a | {"url": "http://127.0.0.1:1", "hosts": ["loopgate.localhost"]} | 400 | hosts[0]
            path without slash         | api | a | {"url": "http://127.0.0.1:1", "paths": ["api"]} | 400 | paths[0]
            bad service name           | Bad_Name | a | {"url": "http://127.0.0.1:1"}            | 400 | service
            bad id                     | api | a%20b | {"url": "http://127.0.0.1:1"}            | 400 | id
            """)
    void badRegistrationsAreRefusedWithTheFieldAtFaultAndChangeNothing(
            String name, String service, String id, String body, int status, String field) throws Exception {
        HttpResponse<String> res = put("/api/v1/services/" + service + "/backends/" + id, body);
        assertThat(res.statusCode()).as(name).isEqualTo(status);
        assertThat(res.headers().firstValue("content-type")).contains("application/json");
        assertThat(res.body()).contains("\"error\":");
        if (field != null) {
            assertThat(res.body()).as(name).contains("\"field\":\"" + field + "\"");
        }
        assertThat(gateway.registry().registrations()).isEmpty();
    }

    @Test
    void changesNeedTheTokenAndForeignPagesGetNothing() throws Exception {
        HttpResponse<String> noToken = gateway.client()
                .send(
                        gateway.request(ADMIN, "/api/v1/services/api/backends/a")
                                .PUT(HttpRequest.BodyPublishers.ofString(url(one)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.body()).contains("\"field\":\"Authorization\"");
        assertThat(noToken.headers().firstValue("www-authenticate")).contains("Bearer");

        HttpResponse<String> wrongToken = gateway.client()
                .send(
                        gateway.request(ADMIN, "/api/v1/services/api/backends/a")
                                .PUT(HttpRequest.BodyPublishers.ofString(url(one)))
                                .header("Authorization", "Bearer nope")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(wrongToken.statusCode()).isEqualTo(401);

        HttpResponse<String> foreign =
                put("/api/v1/services/api/backends/a", url(one), "Origin", "http://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();

        HttpResponse<String> rebinding = gateway.client()
                .send(
                        gateway.request("evil.example", "/api/v1/services/api/backends/a")
                                .PUT(HttpRequest.BodyPublishers.ofString(url(one)))
                                .header("Authorization", "Bearer " + GatewayFixture.TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(rebinding.statusCode()).isEqualTo(403);

        HttpResponse<String> huge = put(
                "/api/v1/services/api/backends/a",
                "{\"url\": \"http://127.0.0.1:1\", \"hosts\": [\"" + "a".repeat(70_000) + "\"]}");
        assertThat(huge.statusCode()).isEqualTo(413);

        assertThat(gateway.registry().registrations()).isEmpty();
        HttpResponse<String> localPage = put(
                "/api/v1/services/api/backends/a", url(one), "Origin", "http://loopgate.localhost:" + gateway.port());
        assertThat(localPage.statusCode())
                .as("the dashboard's own origin may change things")
                .isEqualTo(201);
    }

    @Test
    void fiftyClientsRegisteringAndDeregisteringAtOnceLeaveAConsistentRegistry() throws Exception {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    assertThat(put("/api/v1/services/svc" + (n % 5) + "/backends/b" + n, url(one))
                                    .statusCode())
                            .isEqualTo(201);
                    if (n % 2 == 0) {
                        assertThat(delete("/api/v1/services/svc" + (n % 5) + "/backends/b" + n)
                                        .statusCode())
                                .isEqualTo(204);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        assertThat(gateway.registry().registrations())
                .hasSize(25)
                .allMatch(r -> Integer.parseInt(r.id().substring(1)) % 2 == 1);
        for (int s = 0; s < 5; s++) {
            assertThat(gateway.get("svc" + s + ".localhost", "/").body()).isEqualTo("one");
        }
    }
}
