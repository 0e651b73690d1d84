package dev.loopgate.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link Problem} for whoever asked: HTML for browsers, JSON for API clients, one plain line for curl and
 * scripts. Pages load nothing from elsewhere and name only the service that was asked for.
 */
final class ErrorPages {

    private ErrorPages() {}

    enum Format {
        HTML,
        JSON,
        TEXT
    }

    static Format negotiate(String accept) {
        if (accept == null) {
            return Format.TEXT;
        }
        String a = accept.toLowerCase(java.util.Locale.ROOT);
        if (a.contains("text/html")) {
            return Format.HTML;
        }
        if (a.contains("application/json") || a.contains("+json")) {
            return Format.JSON;
        }
        return Format.TEXT;
    }

    static FullHttpResponse render(Problem p, String accept, boolean headOnly, boolean close, ByteBufAllocator alloc) {
        Format format = negotiate(accept);
        String body =
                switch (format) {
                    case HTML -> html(p);
                    case JSON -> json(p);
                    case TEXT -> text(p);
                };
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content =
                headOnly ? alloc.buffer(0) : alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, p.status(), content);
        res.headers()
                .set(
                        HttpHeaderNames.CONTENT_TYPE,
                        switch (format) {
                            case HTML -> "text/html; charset=utf-8";
                            case JSON -> "application/json";
                            case TEXT -> "text/plain; charset=utf-8";
                        })
                .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT);
        if (p.status().code() == 503) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        }
        if (close) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return res;
    }

    static String text(Problem p) {
        StringBuilder out = new StringBuilder("loopgate: ")
                .append(p.status().code())
                .append(' ')
                .append(p.title())
                .append(": ")
                .append(p.detail());
        if (p.fix() != null) {
            out.append(" — ").append(p.fix());
        }
        if (p.suggestion() != null) {
            out.append(" (did you mean ").append(p.suggestion()).append("?)");
        }
        if (!p.urls().isEmpty()) {
            out.append(" Served: ").append(String.join(" ", allUrls(p.urls())));
        }
        out.append('\n');
        if (!p.output().isEmpty()) {
            out.append("--- its last output ---\n");
            p.output().forEach(l -> out.append(l).append('\n'));
        }
        return out.toString();
    }

    static String json(Problem p) {
        ObjectNode n = dev.loopgate.Json.mapper().createObjectNode();
        n.put("status", p.status().code());
        n.put("error", p.detail());
        n.put("title", p.title());
        if (p.fix() != null) {
            n.put("fix", p.fix());
        }
        if (p.service() != null) {
            n.put("service", p.service());
        }
        if (p.backend() != null) {
            n.put("backend", p.backend());
        }
        if (p.suggestion() != null) {
            n.put("did_you_mean", p.suggestion());
        }
        if (!p.output().isEmpty()) {
            p.output().forEach(n.putArray("output")::add);
        }
        if (!p.urls().isEmpty()) {
            ObjectNode services = n.putObject("services");
            p.urls().forEach((name, urls) -> urls.forEach(services.putArray(name)::add));
        }
        return n.toString() + "\n";
    }

    static String html(Problem p) {
        StringBuilder b = new StringBuilder(2048);
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                // An empty icon: otherwise the browser asks the broken service for /favicon.ico as well.
                .append("<link rel=\"icon\" href=\"data:,\">")
                .append("<title>")
                .append(p.status().code())
                .append(' ')
                .append(esc(p.title()))
                .append(" · loopgate</title>")
                .append("<style>:root{color-scheme:light dark;font-family:system-ui,sans-serif}")
                .append("body{max-width:46rem;margin:3rem auto;padding:0 1rem;line-height:1.5}")
                .append("h1{font-size:1.4rem}.k{color:GrayText}code{font-size:.95em}")
                .append(".fix{border-left:4px solid #3b82f6;padding:.25rem .75rem}</style></head><body>")
                .append("<p class=\"k\">loopgate · ")
                .append(p.status().code())
                .append("</p>")
                .append("<h1>")
                .append(esc(p.title()))
                .append("</h1>")
                .append("<p>")
                .append(esc(p.detail()))
                .append("</p>");
        if (p.service() != null) {
            b.append("<p class=\"k\">service <code>").append(esc(p.service())).append("</code>");
            if (p.backend() != null) {
                b.append(" · backend <code>").append(esc(p.backend())).append("</code>");
            }
            b.append("</p>");
        }
        if (p.fix() != null) {
            b.append("<p class=\"fix\">").append(esc(p.fix())).append("</p>");
        }
        if (p.suggestion() != null) {
            b.append("<p>Did you mean <a href=\"")
                    .append(esc(p.suggestion()))
                    .append("\">")
                    .append(esc(p.suggestion()))
                    .append("</a>?</p>");
        }
        if (!p.urls().isEmpty()) {
            b.append("<h2>Served here</h2><ul>");
            p.urls().forEach((name, urls) -> {
                b.append("<li><code>").append(esc(name)).append("</code>");
                for (String u : urls) {
                    b.append(" <a href=\"")
                            .append(esc(u))
                            .append("\">")
                            .append(esc(u))
                            .append("</a>");
                }
                b.append("</li>");
            });
            b.append("</ul>");
        } else if (p.status().code() == 404) {
            b.append("<p>No services are routed yet. Add one to the config file, e.g. <code>web: 5173</code>.</p>");
        }
        if (!p.output().isEmpty()) {
            b.append("<h2>Its output</h2><pre id=\"output\" style=\"max-height:24rem;overflow:auto;")
                    .append("background:#8881;padding:.5rem\">");
            p.output().forEach(l -> b.append(esc(l)).append('\n'));
            b.append("</pre>");
        }
        if (p.liveReload() != null) {
            // No polling: one event stream from the admin host says when the service is back, and brings the
            // output of a command loopgate runs as it is written.
            b.append("<p class=\"k\" id=\"waiting\">This page reloads by itself when the service is up.</p>")
                    .append("<script>const es = new EventSource(\"")
                    .append(esc(p.liveReload()))
                    .append("\");es.addEventListener(\"up\", () => location.reload());")
                    .append("es.addEventListener(\"output\", e => {const o = document.getElementById(\"output\");")
                    .append("if (o) {o.textContent += e.data + \"\\n\"; o.scrollTop = o.scrollHeight;}});</script>");
        }
        return b.append("</body></html>\n").toString();
    }

    private static List<String> allUrls(Map<String, List<String>> urls) {
        return urls.values().stream().flatMap(List::stream).toList();
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
