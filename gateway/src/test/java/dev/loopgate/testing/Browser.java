package dev.loopgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real headless Chromium driven over the DevTools protocol: open pages, run script in them, wait for what the
 * page shows and take screenshots. Without Chromium on the machine the test is skipped with the reason, unless
 * {@code LOOPGATE_REQUIRE_BROWSER} is set (as {@code .ci/run} does), which makes its absence a failure.
 */
public final class Browser implements AutoCloseable {
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();

    private Browser(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    public static Browser launch() throws Exception {
        return launch(Map.of());
    }

    /** With extra environment: {@code HOME} picks the NSS database ({@code ~/.pki/nssdb}) whose roots it trusts. */
    public static Browser launch(Map<String, String> env) throws Exception {
        String executable = System.getenv().getOrDefault("LOOPGATE_CHROMIUM", "/usr/bin/chromium");
        boolean present = Files.isExecutable(Path.of(executable));
        if (!present && System.getenv("LOOPGATE_REQUIRE_BROWSER") != null) {
            throw new AssertionError(executable + " is missing; .ci/run installs Debian's chromium");
        }
        Assumptions.assumeTrue(
                present,
                "skipped: no Chromium at " + executable + " (apt-get install chromium, or set LOOPGATE_CHROMIUM)");
        Path profile = Files.createTempDirectory("loopgate-chromium");
        ProcessBuilder builder = new ProcessBuilder(
                        executable,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-extensions",
                        "--disable-dev-shm-usage",
                        "--window-size=1280,860",
                        "--remote-debugging-port=0",
                        "--remote-debugging-address=127.0.0.1",
                        "--user-data-dir=" + profile,
                        "about:blank")
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            lines.add(line);
                            Matcher m = DEVTOOLS.matcher(line);
                            if (m.find()) {
                                endpoint.complete(m.group(1));
                            }
                        }
                    } catch (IOException e) {
                        endpoint.completeExceptionally(e);
                    }
                    endpoint.completeExceptionally(new IOException("chromium exited: " + String.join("\n", lines)));
                },
                "chromium-output");
        reader.setDaemon(true);
        reader.start();
        String ws = endpoint.get(60, TimeUnit.SECONDS);
        Browser[] self = new Browser[1];
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(ws), new Listener(self))
                .get(20, TimeUnit.SECONDS);
        self[0] = new Browser(p, profile, socket);
        self[0].output.addAll(lines);
        return self[0];
    }

    /** A new tab, with its own DevTools session. */
    public Page newPage() {
        String target = call(null, "Target.createTarget", Map.of("url", "about:blank"))
                .get("targetId")
                .asText();
        String session = call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId")
                .asText();
        Page page = new Page(session);
        page.call("Page.enable", Map.of());
        page.call("Runtime.enable", Map.of());
        return page;
    }

    JsonNode call(String session, String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", JSON.valueToTree(params));
        if (session != null) {
            msg.put("sessionId", session);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        synchronized (socket) {
            socket.sendText(msg.toString(), true).join();
        }
        try {
            JsonNode r = reply.get(30, TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new AssertionError(method + " failed: " + r.get("error"));
            }
            return r.get("result");
        } catch (Exception e) {
            throw new AssertionError(method + " got no answer: " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    private void received(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n.has("id")) {
                CompletableFuture<JsonNode> f = pending.get(n.get("id").asInt());
                if (f != null) {
                    f.complete(n);
                }
            } else {
                events.add(n);
            }
        } catch (IOException e) {
            output.add("unreadable DevTools message: " + text);
        }
    }

    @Override
    public void close() throws Exception {
        socket.abort();
        // Chromium's helper processes outlive the browser process for a moment and still write to the profile.
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : helpers) {
            h.destroy();
            h.onExit().get(10, TimeUnit.SECONDS);
        }
        deleteQuietly(profile);
    }

    /** Removes the profile; files that vanish meanwhile are fine, it is a temporary directory either way. */
    private static void deleteQuietly(Path dir) throws IOException {
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                Files.deleteIfExists(file);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) {
                try {
                    Files.deleteIfExists(d);
                } catch (IOException notEmpty) {
                    // something appeared late; the temporary directory is cleaned by the system
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    /** One tab. */
    public final class Page {
        private final String session;

        private Page(String session) {
            this.session = session;
        }

        JsonNode call(String method, Map<String, ?> params) {
            return Browser.this.call(session, method, params);
        }

        /** Opens {@code url} and waits for its load event. */
        public Page open(String url) {
            int before = events.size();
            JsonNode nav = call("Page.navigate", Map.of("url", url));
            if (nav.hasNonNull("errorText")) {
                throw new AssertionError(
                        "cannot open " + url + ": " + nav.get("errorText").asText());
            }
            Wait.until(
                    "the load event of " + url,
                    Duration.ofSeconds(30),
                    // A stream over the list is a snapshot; a subList view breaks when an event arrives meanwhile.
                    () -> events.stream()
                            .skip(before)
                            .anyMatch(e -> "Page.loadEventFired"
                                            .equals(e.path("method").asText())
                                    && session.equals(e.path("sessionId").asText())));
            return this;
        }

        /** Runs a script expression in the page (promises are awaited) and returns its JSON value. */
        public JsonNode eval(String expression) {
            JsonNode r = call(
                    "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
            if (r.has("exceptionDetails")) {
                throw new AssertionError("script failed: " + expression + "\n" + r.get("exceptionDetails"));
            }
            return r.path("result").path("value");
        }

        public String text(String selector) {
            return eval("(document.querySelector(" + quote(selector) + ")||{}).innerText||''")
                    .asText();
        }

        /** Waits until a script expression is true in the page; the failure shows the page's text. */
        public void waitFor(String what, String expression) {
            Wait.until(
                    what,
                    Duration.ofSeconds(20),
                    () -> eval("!!(" + expression + ")").asBoolean(),
                    () -> "page text:\n"
                            + eval("document.body ? document.body.innerText : ''")
                                    .asText());
        }

        public void click(String selector) {
            eval("document.querySelector(" + quote(selector) + ").click()");
        }

        public void darkMode(boolean dark) {
            call(
                    "Emulation.setEmulatedMedia",
                    Map.of(
                            "features",
                            List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
        }

        /** Saves a PNG of the visible page, creating the directory. */
        public Path screenshot(Path file) throws IOException {
            JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png"));
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
            return file;
        }
    }

    static String quote(String s) {
        return JSON.valueToTree(s).toString();
    }

    /** Reassembles DevTools messages, which may arrive in several frames. */
    private static final class Listener implements WebSocket.Listener {
        private final Browser[] owner;
        private final StringBuilder partial = new StringBuilder();
        private final List<String> early = new ArrayList<>();

        Listener(Browser[] owner) {
            this.owner = owner;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (owner[0] == null) {
                    early.add(text);
                } else {
                    early.forEach(owner[0]::received);
                    early.clear();
                    owner[0].received(text);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
