package dev.loopgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.Json;
import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.TestBackend;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's HTTP side: its files, its event stream, sign-in and who may change what. */
class DashboardApiTest {
    private TestBackend backend;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.http(TestBackend.text("ok"));
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.close();
    }

    private String origin() {
        return "http://loopgate.localhost:" + gateway.port();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return gateway.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String signIn() throws Exception {
        HttpResponse<String> login = gateway.get(
                "loopgate.localhost", "/login?code=" + gateway.sessions().newLoginCode());
        assertThat(login.statusCode()).isEqualTo(303);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }

    @Test
    void theDashboardIsServedFromTheJarWithAPolicyThatForbidsOutsideResources() throws Exception {
        HttpResponse<String> page = gateway.get("loopgate.localhost", "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script src=\"/dashboard.js\"").doesNotContain("http://", "https://");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'");
        for (String asset : List.of("/dashboard.js", "/dashboard.css", "/favicon.svg")) {
            HttpResponse<String> res = gateway.get("loopgate.localhost", asset);
            assertThat(res.statusCode()).as(asset).isEqualTo(200);
            assertThat(res.body()).as(asset).doesNotContain("https://");
        }
    }

    /** Reads the event stream until {@code done} holds for the events so far; the events as (name, data) pairs. */
    private List<String[]> readEvents(Predicate<List<String[]>> done, String... headers) throws Exception {
        HttpRequest.Builder b = gateway.request("loopgate.localhost", "/api/v1/stream");
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<InputStream> res = gateway.client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<String[]> events = new ArrayList<>();
        try (InputStream in = res.body()) {
            CompletableFuture.runAsync(() -> {
                        try {
                            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                            String name = null;
                            for (String line; !done.test(events) && (line = r.readLine()) != null; ) {
                                if (line.startsWith("event: ")) {
                                    name = line.substring(7);
                                } else if (line.startsWith("data: ")) {
                                    events.add(new String[] {name, line.substring(6)});
                                }
                            }
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .get(15, TimeUnit.SECONDS);
        }
        return events;
    }

    private static boolean has(List<String[]> events, String name, String text) {
        return events.stream().anyMatch(e -> e[0].equals(name) && e[1].contains(text));
    }

    @Test
    void theStreamSendsServicesWithFiguresThenEachNewRequest() throws Exception {
        gateway.get("web.localhost", "/before");
        List<String[]> events =
                readEvents(list -> has(list, "services", "\"name\":\"web\"") && has(list, "requests", "/before"));
        String services =
                events.stream().filter(e -> e[0].equals("services")).findFirst().orElseThrow()[1];
        JsonNode web = Json.mapper().readTree(services).path("services").get(0);
        assertThat(web.path("stats").path("requests").asInt()).isEqualTo(1);
        assertThat(web.path("stats").path("error_ratio").asDouble()).isZero();
        assertThat(web.path("stats").path("p95_ms").isNumber()).isTrue();

        java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
        List<String[]> live = readEvents(list -> {
            if (has(list, "services", "\"name\":\"web\"") && sent.compareAndSet(false, true)) {
                try {
                    gateway.get("web.localhost", "/after");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }
            return has(list, "requests", "/after");
        });
        assertThat(live.stream().filter(e -> e[0].equals("requests")).map(e -> e[1]))
                .as("/after arrives in its own event, after the stream opened")
                .anyMatch(d -> d.contains("/after") && !d.contains("/before"));
    }

    @Test
    void theStreamReportsARejectedConfigEdit() throws Exception {
        gateway.configError("loopgate.yaml:3: services.web.port: must be 1-65535");
        List<String[]> events = readEvents(list -> has(list, "services", "config_error"));
        assertThat(events.get(0)[1]).contains("services.web.port: must be 1-65535");
    }

    @Test
    void otherOriginsCannotReadTheStream() throws Exception {
        HttpResponse<String> res =
                send(gateway.request("loopgate.localhost", "/api/v1/stream").header("Origin", "http://evil.example"));
        assertThat(res.statusCode()).isEqualTo(403);
    }

    @Test
    void aLoginCodeWorksOnceAndGivesAnHttpOnlyStrictCookie() throws Exception {
        String code = gateway.sessions().newLoginCode();
        HttpResponse<String> first = gateway.get("loopgate.localhost", "/login?code=" + code);
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.headers().firstValue("Location")).hasValue("/");
        assertThat(first.headers().firstValue("Set-Cookie").orElseThrow())
                .startsWith("loopgate_session=")
                .contains("HttpOnly", "SameSite=Strict", "Path=/")
                .doesNotContain(GatewayFixture.TOKEN);
        HttpResponse<String> again = gateway.get("loopgate.localhost", "/login?code=" + code);
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(again.body()).contains("loopgate dashboard");
        assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(gateway.get("loopgate.localhost", "/login?code=made-up").statusCode())
                .isEqualTo(403);
    }

    @Test
    void theSessionCookieChangesStateOnlyFromTheDashboardsOwnOrigin() throws Exception {
        String cookie = signIn();
        HttpRequest.Builder clear = gateway.request("loopgate.localhost", "/api/v1/requests")
                .DELETE()
                .header("Cookie", cookie);
        assertThat(send(clear).statusCode()).as("a cookie without an Origin").isEqualTo(401);
        assertThat(send(gateway.request("loopgate.localhost", "/api/v1/requests")
                                .DELETE()
                                .header("Cookie", cookie)
                                .header("Origin", "http://web.localhost:" + gateway.port()))
                        .statusCode())
                .as("another local page carrying the cookie")
                .isEqualTo(403);
        assertThat(send(gateway.request("loopgate.localhost", "/api/v1/requests")
                                .DELETE()
                                .header("Cookie", cookie)
                                .header("Origin", "http://evil.example"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(send(gateway.request("loopgate.localhost", "/api/v1/requests")
                                .DELETE()
                                .header("Cookie", cookie)
                                .header("Origin", origin()))
                        .statusCode())
                .isEqualTo(204);
        assertThat(send(gateway.request("loopgate.localhost", "/api/v1/requests")
                                .DELETE()
                                .header("Cookie", "loopgate_session=guessed")
                                .header("Origin", origin()))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void onlyTheTokenMintsLoginCodesAndSigningOutEndsTheSession() throws Exception {
        String cookie = signIn();
        HttpResponse<String> byCookie = send(gateway.request("loopgate.localhost", "/api/v1/login-codes")
                .POST(HttpRequest.BodyPublishers.noBody())
                .header("Cookie", cookie)
                .header("Origin", origin()));
        assertThat(byCookie.statusCode()).isEqualTo(401);
        HttpResponse<String> byToken = send(gateway.request("loopgate.localhost", "/api/v1/login-codes")
                .POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + GatewayFixture.TOKEN));
        assertThat(byToken.statusCode()).isEqualTo(201);
        assertThat(Json.mapper().readTree(byToken.body()).path("url").asText()).startsWith(origin() + "/login?code=");

        assertThat(Json.mapper()
                        .readTree(gateway.get("loopgate.localhost", "/api/v1/session", "Cookie", cookie)
                                .body())
                        .path("signed_in")
                        .asBoolean())
                .isTrue();
        HttpResponse<String> out = send(gateway.request("loopgate.localhost", "/api/v1/session")
                .DELETE()
                .header("Cookie", cookie)
                .header("Origin", origin()));
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(Json.mapper()
                        .readTree(gateway.get("loopgate.localhost", "/api/v1/session", "Cookie", cookie)
                                .body())
                        .path("signed_in")
                        .asBoolean())
                .isFalse();
    }
}
