package dev.loopgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.Json;
import dev.loopgate.StateDir;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Map;

/**
 * Talks to a running gateway's admin API. It connects to the gateway's own address and names the admin host in
 * the request (an absolute-form request, as to a proxy), so it works even where the resolver knows no
 * {@code *.localhost} names.
 */
final class AdminClient {
    private final URI gateway;
    private final String adminHost;
    private final String token;
    private final HttpClient http;

    private AdminClient(URI gateway, String adminHost, String token) {
        this.gateway = gateway;
        this.adminHost = adminHost;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress(gateway.getHost(), port(gateway))))
                .connectTimeout(Duration.ofSeconds(3))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The answer of the gateway, or why there is none. */
    record Reply(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The gateway's error as one line: "409 http://api.localhost/ is already routed ... (field: hosts)". */
        String error() {
            String message =
                    body != null && body.has("error") ? body.get("error").asText() : "unexpected answer";
            String field = body != null && body.hasNonNull("field")
                    ? " (field: " + body.get("field").asText() + ")"
                    : "";
            return status + " " + message + field;
        }
    }

    /** Thrown when no gateway answers; the message says where it looked and how to point elsewhere. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    /**
     * Finds the gateway: {@code --gateway}, else {@code $LOOPGATE_URL}, else {@code <state-dir>/gateway.json}. The
     * token is {@code $LOOPGATE_TOKEN}, else {@code <state-dir>/token}.
     */
    static AdminClient locate(String gatewayOption, StateDir stateDir, Map<String, String> env) throws Unreachable {
        String url = gatewayOption != null ? gatewayOption : env.get("LOOPGATE_URL");
        String adminHost = "loopgate.localhost";
        if (url == null || url.isBlank()) {
            try {
                JsonNode state = Json.mapper().readTree(Files.readString(stateDir.gatewayFile()));
                url = state.path("address").asText(null);
                String admin = state.path("admin_url").asText("");
                if (!admin.isEmpty()) {
                    adminHost = URI.create(admin).getHost();
                }
            } catch (NoSuchFileException e) {
                throw new Unreachable("no gateway is running (no " + stateDir.gatewayFile()
                        + "); start one with 'loopgate serve', or pass --gateway http://127.0.0.1:PORT");
            } catch (IOException e) {
                throw new Unreachable("cannot read " + stateDir.gatewayFile() + ": " + e.getMessage());
            }
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new Unreachable("'" + url + "' is not a URL; write e.g. http://127.0.0.1:8080");
        }
        if (uri.getHost() == null) {
            throw new Unreachable("'" + url + "' is not a URL; write e.g. http://127.0.0.1:8080");
        }
        String token = env.get("LOOPGATE_TOKEN");
        if (token == null || token.isBlank()) {
            try {
                token = Files.readString(stateDir.path().resolve("token"), StandardCharsets.UTF_8)
                        .trim();
            } catch (IOException e) {
                token = null;
            }
        }
        return new AdminClient(uri, adminHost, token);
    }

    URI gateway() {
        return gateway;
    }

    String adminHost() {
        return adminHost;
    }

    Reply get(String path) throws Unreachable {
        return send("GET", path, null);
    }

    Reply put(String path, ObjectNode body) throws Unreachable {
        return send("PUT", path, body);
    }

    Reply post(String path) throws Unreachable {
        return send("POST", path, null);
    }

    Reply delete(String path) throws Unreachable {
        return send("DELETE", path, null);
    }

    private Reply send(String method, String path, ObjectNode body) throws Unreachable {
        URI target = URI.create("http://" + adminHost + ":" + port(gateway) + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null && !method.equals("GET")) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = res.body().isBlank() ? null : Json.mapper().readTree(res.body());
            return new Reply(res.statusCode(), json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Unreachable(gateway + " did not answer like a loopgate gateway");
        } catch (IOException e) {
            throw new Unreachable("the gateway at " + gateway + " is not reachable ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); is 'loopgate serve' running?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }

    private static int port(URI uri) {
        return uri.getPort() < 0 ? 80 : uri.getPort();
    }
}
