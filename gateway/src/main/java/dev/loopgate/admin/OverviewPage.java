package dev.loopgate.admin;

import dev.loopgate.config.ServiceConfig;
import dev.loopgate.routing.BackendEntry;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.ServiceEntry;
import java.util.List;
import java.util.Map;

/** The admin host's front page: every service, its URLs and its backends. Static HTML, no external resources. */
final class OverviewPage {
    private OverviewPage() {}

    static String render(RouteTable table, int port) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .append("<title>loopgate</title><style>:root{color-scheme:light dark;font-family:system-ui,sans-serif}")
                .append(
                        "body{max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}")
                .append("td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #8884}</style></head><body>")
                .append("<h1>loopgate</h1>");
        Map<String, List<String>> urls = table.urls(port);
        if (table.services().isEmpty()) {
            b.append("<p>No services yet. Add one to ")
                    .append(esc(table.config().source()))
                    .append(", e.g. <code>services: { web: 5173 }</code>.</p>");
        } else {
            b.append("<table><thead><tr><th>Service</th><th>URLs</th><th>Backends</th></tr></thead><tbody>");
            for (ServiceEntry e : table.services().values()) {
                ServiceConfig s = e.config();
                b.append("<tr><td>").append(esc(s.name())).append("</td><td>");
                for (String u : urls.get(s.name())) {
                    b.append("<a href=\"")
                            .append(esc(u))
                            .append("\">")
                            .append(esc(u))
                            .append("</a><br>");
                }
                b.append("</td><td>");
                for (BackendEntry backend : e.backends()) {
                    b.append("<code>")
                            .append(esc(backend.url().toString()))
                            .append("</code> ")
                            .append(esc(backend.source()))
                            .append("<br>");
                }
                b.append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        return b.append(
                        "<p><a href=\"/api/v1/services\">API: /api/v1/services</a> · <a href=\"/metrics\">metrics</a></p></body></html>\n")
                .toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
