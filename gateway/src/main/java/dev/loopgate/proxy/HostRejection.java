package dev.loopgate.proxy;

import dev.loopgate.routing.Backend;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises dev servers that refuse the name loopgate forwards them: Vite's "Blocked request. This host (...) is
 * not allowed" and Next.js's refusal of its {@code /_next/} dev resources to an origin it does not know. Both answer a
 * bare 403 that leaves the user guessing; loopgate replaces it with a page that names the config line that fixes it.
 * Only small textual 403s are held back to look at, so nothing else on the proxy path is buffered.
 */
final class HostRejection {
    static final int MAX_BODY = 4096;
    private static final Pattern VITE =
            Pattern.compile("Blocked request\\. This host \\(\"([^\"]+)\"\\) is not allowed");

    private HostRejection() {}

    /** Whether a response head is worth holding back until its (small) body has been read. */
    static boolean worthPeeking(HttpResponse res, HttpMethod method) {
        if (res.status().code() != 403 || method.equals(HttpMethod.HEAD)) {
            return false;
        }
        // Vite answers its refusal chunked, so a response without a length is peeked at too: held up to MAX_BODY,
        // then passed on untouched (Exchange) if it goes on longer.
        long length = HttpUtil.getContentLength(res, -1L);
        String type = res.headers().get(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        return length != 0 && length <= MAX_BODY && (type.startsWith("text/") || type.startsWith("application/json"));
    }

    /** The page to answer instead, or {@code null} when the 403 is the application's own and passes through. */
    static Problem recognise(String body, String host, String path, Backend backend) {
        Matcher vite = VITE.matcher(body);
        if (vite.find()) {
            String name = vite.group(1).replaceAll(":\\d+$", "");
            return new Problem(
                    HttpResponseStatus.FORBIDDEN,
                    "Vite refused the host name",
                    "The Vite dev server of '" + backend.service() + "' ("
                            + backend.url().authority() + ") answered \"Blocked request\": it does not accept the name "
                            + name + ".",
                    "Add it to vite.config.js — server: { allowedHosts: ['" + name
                            + "'] } — and restart the dev server.",
                    backend.service(),
                    backend.id(),
                    Map.of(),
                    null);
        }
        if (path.startsWith("/_next/") && body.strip().equals("Unauthorized")) {
            String name = host.replaceAll(":\\d+$", "");
            return new Problem(
                    HttpResponseStatus.FORBIDDEN,
                    "Next.js refused its dev resources to this host",
                    "The Next.js dev server of '" + backend.service() + "' ("
                            + backend.url().authority()
                            + ") refused " + path + " to " + name + ": it serves its dev scripts and hot reload"
                            + " only to origins it knows, so the page renders but nothing on it runs.",
                    "Add it to next.config.js — allowedDevOrigins: ['" + name + "'] — and restart the dev server.",
                    backend.service(),
                    backend.id(),
                    Map.of(),
                    null);
        }
        return null;
    }
}
