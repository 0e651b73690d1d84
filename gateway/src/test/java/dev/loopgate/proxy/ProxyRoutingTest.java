package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.TestBackend;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyRoutingTest {
    private TestBackend web;
    private TestBackend api;
    private TestBackend tenants;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        web = TestBackend.http(TestBackend.text("web"));
        api = TestBackend.http((ctx, req) ->
                TestBackend.send(ctx, req, io.netty.handler.codec.http.HttpResponseStatus.OK, "api saw " + req.uri()));
        tenants = TestBackend.http(TestBackend.text("tenants"));
        gateway = GatewayFixture.start(
                """
                services:
                  web: http://127.0.0.1:%d
                  api:
                    hosts: [web.localhost]
                    paths: [/api]
                    strip_prefix: true
                    backends: [http://127.0.0.1:%d]
                  tenants:
                    hosts: ["*.web.localhost"]
                    port: %d
                  api9:
                    paths: [/api, /v2]
                    port: %d
                """
                        .formatted(web.port(), api.port(), tenants.port(), api.port()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        web.close();
        api.close();
        tenants.close();
    }

    @Test
    void routesByHostWildcardAndPathPrefixWithStripPrefix() throws Exception {
        assertThat(gateway.get("web.localhost", "/index.html").body()).isEqualTo("web");
        assertThat(gateway.get("WEB.localhost.:" + gateway.port(), "/apix").body())
                .isEqualTo("web");
        assertThat(gateway.get("web.localhost", "/api/users?page=2").body()).isEqualTo("api saw /users?page=2");
        assertThat(gateway.get("web.localhost", "/api").body()).isEqualTo("api saw /");
        assertThat(gateway.get("a.web.localhost", "/").body()).isEqualTo("tenants");
        assertThat(gateway.get("x.y.web.localhost", "/api").body()).isEqualTo("tenants");
    }

    @Test
    void unknownHostGets404ListingServedUrlsInTheFormatAsked() throws Exception {
        HttpResponse<String> plain = gateway.get("wbe.localhost", "/");
        assertThat(plain.statusCode()).isEqualTo(404);
        assertThat(plain.body())
                .contains("http://web.localhost:" + gateway.port() + "/")
                .contains("did you mean http://web.localhost:" + gateway.port() + "/");
        HttpResponse<String> html = gateway.get("nothing.localhost", "/", "Accept", "text/html,application/xhtml+xml");
        assertThat(html.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(html.body()).contains("<h1>No service here</h1>").contains("href=\"http://web.localhost:");
        HttpResponse<String> json = gateway.get("nothing.localhost", "/", "Accept", "application/json");
        assertThat(json.body()).contains("\"status\":404").contains("\"services\":{\"web\":[");
        assertThat(web.requests).isEmpty();
    }

    @Test
    void aServedHostOnAnUnservedPathSuggestsThePathsItServesNotTheSameUrl() throws Exception {
        HttpResponse<String> res = gateway.get("api9.localhost", "/other");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.body())
                .contains("api9.localhost serves only /api, /v2")
                .contains("did you mean http://api9.localhost:" + gateway.port() + "/api?")
                .doesNotContain("did you mean http://api9.localhost:" + gateway.port() + "/?");
        assertThat(gateway.get("api9.localhost", "/v3").body())
                .as("the closest served path")
                .contains("did you mean http://api9.localhost:" + gateway.port() + "/v2?");
        assertThat(gateway.get("api8.localhost", "/").body())
                .as("a misspelt name suggests the served URL of the right one")
                .contains("did you mean http://api9.localhost:" + gateway.port() + "/api?");
    }

    @Test
    void foreignHostsAreRefusedBeforeAnyBackendIsTouched() throws Exception {
        for (String host :
                new String[] {"evil.com", "localhost.evil.com", "0.0.0.0", "192.168.1.1", "web.localhost.nip.io"}) {
            HttpResponse<String> res = gateway.get(host, "/");
            assertThat(res.statusCode()).as(host).isEqualTo(403);
            assertThat(res.body()).contains("DNS rebinding");
        }
        assertThat(web.requests).isEmpty();
        assertThat(web.connections.get()).isZero();
    }

    @Test
    void absoluteFormRequestsRouteByAuthorityAndSendAMatchingHost() throws Exception {
        HttpClient viaProxy = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", gateway.port())))
                .build();
        HttpResponse<String> res = viaProxy.send(
                HttpRequest.newBuilder(URI.create("http://web.localhost/api/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.body()).isEqualTo("api saw /x");
        assertThat(api.lastRequest().headers().get("Host")).isEqualTo("web.localhost");
        assertThat(api.lastRequest().uri()).isEqualTo("/x");

        HttpResponse<String> open = viaProxy.send(
                HttpRequest.newBuilder(URI.create("http://example.com/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(open.statusCode()).isEqualTo(403);
        assertThat(open.body())
                .contains("not an open proxy")
                .contains("'example.com' is not one of them")
                .as("it says how to send that host direct")
                .contains("add it to NO_PROXY")
                .contains("export NO_PROXY=\"$NO_PROXY,example.com\"");
    }

    @Test
    void adminHostAnswersItselfAndRefusesForeignOrigins() throws Exception {
        assertThat(gateway.get("loopgate.localhost", "/healthz").body()).isEqualTo("ok\n");
        HttpResponse<String> services = gateway.get("loopgate.localhost", "/api/v1/services");
        assertThat(services.body())
                .contains("\"name\":\"web\"")
                .contains("\"source\":\"file\"")
                .contains("\"urls\":[\"http://web.localhost:" + gateway.port() + "/\"]");
        HttpResponse<String> foreign =
                gateway.get("loopgate.localhost", "/api/v1/services", "Origin", "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();
    }
}
