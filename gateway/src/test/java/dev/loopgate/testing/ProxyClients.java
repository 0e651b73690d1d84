package dev.loopgate.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A shell script that asks two URLs with three real clients — curl, Python's urllib and the JDK HttpClient — each
 * configured only by the environment ({@code HTTP_PROXY}, {@code NO_PROXY}, {@code JAVA_TOOL_OPTIONS}), as a user's
 * programs are after {@code eval "$(loopgate env)"} or under {@code loopgate run}. It prints one line per client and
 * URL: {@code <client> <url> -> <body>}.
 */
public final class ProxyClients {
    private static final String JAVA_CLIENT =
            """
            import java.net.ProxySelector;
            import java.net.URI;
            import java.net.http.HttpClient;
            import java.net.http.HttpRequest;
            import java.net.http.HttpResponse;
            public class Client {
                public static void main(String[] args) throws Exception {
                    HttpClient http = HttpClient.newBuilder().proxy(ProxySelector.getDefault()).build();
                    for (String url : args) {
                        String body;
                        try {
                            body = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                                    HttpResponse.BodyHandlers.ofString()).body().trim();
                        } catch (Exception e) {
                            body = "failed: " + e;
                        }
                        System.out.println("java " + url + " -> " + body);
                    }
                }
            }
            """;

    private static final String PYTHON_CLIENT =
            """
            import sys, urllib.request
            for url in sys.argv[1:]:
                try:
                    body = urllib.request.urlopen(url, timeout=10).read().decode().strip()
                except Exception as e:
                    body = "failed: %r" % e
                print("python " + url + " -> " + body, flush=True)
            """;

    private ProxyClients() {}

    /** Writes the clients into {@code dir} and returns the script that runs them on {@code urls}. */
    public static String script(Path dir, String... urls) throws IOException {
        Files.writeString(dir.resolve("Client.java"), JAVA_CLIENT);
        Files.writeString(dir.resolve("client.py"), PYTHON_CLIENT);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder s = new StringBuilder();
        for (String url : urls) {
            s.append("echo \"curl ")
                    .append(url)
                    .append(" -> $(curl -s --max-time 10 ")
                    .append(url)
                    .append(")\"\n");
        }
        s.append("python3 ").append(dir.resolve("client.py")).append(' ').append(String.join(" ", urls));
        s.append('\n');
        s.append(java)
                .append(" ")
                .append(dir.resolve("Client.java"))
                .append(' ')
                .append(String.join(" ", urls));
        s.append(" 2>/dev/null\n");
        return s.toString();
    }
}
