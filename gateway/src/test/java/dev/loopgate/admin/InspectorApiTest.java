package dev.loopgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.Json;
import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.TestBackend;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request inspector through the admin API: what it records, what it redacts, and who may clear it. */
class InspectorApiTest {
    private TestBackend backend;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.http((ctx, req) -> {
            var res = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                    io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                    req.uri().equals("/fail")
                            ? io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR
                            : io.netty.handler.codec.http.HttpResponseStatus.OK);
            res.headers().set("Content-Length", 0).set("Set-Cookie", "session=secret-value; HttpOnly");
            ctx.writeAndFlush(res);
        });
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.close();
    }

    private JsonNode getJson(String path) throws Exception {
        return Json.mapper().readTree(gateway.get("loopgate.localhost", path).body());
    }

    @Test
    void exchangesAreRecordedWithTimingsAndRedactedCredentials() throws Exception {
        gateway.get("web.localhost", "/page?x=1", "Authorization", "Bearer top-secret", "Cookie", "a=1; theme=dark");
        gateway.get("web.localhost", "/fail");
        gateway.get("nothing.localhost", "/");

        JsonNode list = getJson("/api/v1/requests").path("requests");
        assertThat(list).hasSize(3);
        JsonNode newest = list.get(0);
        assertThat(newest.path("host").asText()).isEqualTo("nothing.localhost");
        assertThat(newest.path("status").asInt()).isEqualTo(404);
        JsonNode page = list.get(2);
        assertThat(page.path("path").asText()).isEqualTo("/page");
        assertThat(page.path("service").asText()).isEqualTo("web");
        assertThat(page.path("backend").asText()).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(page.path("connect_ms").asDouble()).isGreaterThan(0);
        assertThat(page.path("ttfb_ms").asDouble())
                .isGreaterThanOrEqualTo(page.path("connect_ms").asDouble());
        assertThat(page.path("duration_ms").asDouble())
                .isGreaterThanOrEqualTo(page.path("ttfb_ms").asDouble());

        String detail = gateway.get(
                        "loopgate.localhost",
                        "/api/v1/requests/" + page.path("id").asLong())
                .body();
        assertThat(detail)
                .contains("[\"Authorization\",\"Bearer [redacted]\"]")
                .contains("[\"Cookie\",\"a=[redacted]; theme=[redacted]\"]")
                .contains("session=[redacted]")
                .doesNotContain("top-secret")
                .doesNotContain("secret-value")
                .doesNotContain("dark");

        assertThat(getJson("/api/v1/requests?status=5xx").path("requests"))
                .singleElement()
                .satisfies(r -> assertThat(r.path("path").asText()).isEqualTo("/fail"));
        assertThat(getJson("/api/v1/requests?service=none").path("requests")).hasSize(1);
        assertThat(gateway.get("loopgate.localhost", "/api/v1/requests?status=bad")
                        .statusCode())
                .isEqualTo(400);
        assertThat(gateway.get("loopgate.localhost", "/api/v1/requests/999999").statusCode())
                .isEqualTo(404);
    }

    @Test
    void secretsInOtherHeadersAndInQueryStringsAreRedactedByName() throws Exception {
        gateway.get(
                "web.localhost",
                "/keys",
                "X-Api-Key",
                "key-value-1",
                "X-Auth-Token",
                "token-value-2",
                "X-CSRF-Token",
                "csrf-value-3",
                "Referer",
                "http://web.localhost/login?api_key=query-value-4&page=2&access_token=query-value-5",
                "X-Request-Id",
                "visible-7");
        JsonNode entry = getJson("/api/v1/requests").path("requests").get(0);
        String detail = gateway.get(
                        "loopgate.localhost",
                        "/api/v1/requests/" + entry.path("id").asLong())
                .body();
        assertThat(detail)
                .contains("[\"X-Api-Key\",\"[redacted]\"]")
                .contains("[\"X-Auth-Token\",\"[redacted]\"]")
                .contains("http://web.localhost/login?api_key=[redacted]&page=2&access_token=[redacted]")
                .contains("visible-7")
                .doesNotContain("value-1")
                .doesNotContain("value-2")
                .doesNotContain("value-3")
                .doesNotContain("value-4")
                .doesNotContain("value-5");
    }

    @Test
    void clearingNeedsTheToken() throws Exception {
        gateway.get("web.localhost", "/");
        HttpResponse<String> anonymous = gateway.client()
                .send(
                        gateway.request("loopgate.localhost", "/api/v1/requests")
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(getJson("/api/v1/requests").path("requests")).hasSize(1);
        HttpResponse<String> cleared = gateway.client()
                .send(
                        gateway.request("loopgate.localhost", "/api/v1/requests")
                                .DELETE()
                                .header("Authorization", "Bearer " + GatewayFixture.TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(cleared.statusCode()).isEqualTo(204);
        assertThat(getJson("/api/v1/requests").path("requests")).isEmpty();
    }
}
