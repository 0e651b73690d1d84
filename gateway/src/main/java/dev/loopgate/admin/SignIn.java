package dev.loopgate.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.Json;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/**
 * Signing a browser in to the dashboard, as Jupyter and .NET Aspire do: {@code loopgate dashboard} (or the banner)
 * prints {@code /login?code=...}; opening it trades the one-time code for an {@code HttpOnly}, {@code SameSite=Strict}
 * session cookie and lands on the dashboard.
 */
final class SignIn {
    static final String LOGIN = "/login";
    static final String CODES = "/api/v1/login-codes";
    static final String SESSION = "/api/v1/session";

    private final Sessions sessions;

    SignIn(Sessions sessions) {
        this.sessions = sessions;
    }

    /** {@code GET /login?code=...}: a cookie and a redirect to the dashboard, or a page saying how to get a new link. */
    FullHttpResponse login(HttpRequest request, ByteBufAllocator alloc) {
        List<String> code = new QueryStringDecoder(request.uri()).parameters().get("code");
        String session = code == null || code.size() != 1 ? null : sessions.redeem(code.get(0));
        if (session == null) {
            FullHttpResponse res = Responses.text(
                    alloc,
                    HttpResponseStatus.FORBIDDEN,
                    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in link expired"
                            + " · loopgate</title><link rel=\"stylesheet\" href=\"/dashboard.css\"></head><body>"
                            + "<main class=\"notice\"><h1>This sign-in link has expired</h1><p>Each link works once,"
                            + " for " + Sessions.CODE_LIFETIME.toMinutes() + " minutes. Run"
                            + " <code>loopgate dashboard</code> for a new one.</p><p><a href=\"/\">Open the dashboard"
                            + " without signing in</a> (read only).</p></main></body></html>\n",
                    "text/html; charset=utf-8");
            res.headers().set("Content-Security-Policy", DashboardAssets.CSP).set("Referrer-Policy", "no-referrer");
            return res;
        }
        FullHttpResponse res = Responses.empty(alloc, HttpResponseStatus.SEE_OTHER);
        res.headers()
                .set(HttpHeaderNames.LOCATION, "/")
                .set(HttpHeaderNames.SET_COOKIE, Sessions.setCookie(session))
                .set("Referrer-Policy", "no-referrer");
        return res;
    }

    /** {@code POST /api/v1/login-codes} (bearer token only): a new one-time sign-in URL. */
    FullHttpResponse newCode(String adminUrl, ByteBufAllocator alloc) {
        String code = sessions.newLoginCode();
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("url", loginUrl(adminUrl, code));
        n.put("expires_in_seconds", Sessions.CODE_LIFETIME.toSeconds());
        return Responses.json(alloc, HttpResponseStatus.CREATED, n);
    }

    /** {@code GET /api/v1/session}: whether this browser may change things. */
    FullHttpResponse status(HttpRequest request, ByteBufAllocator alloc) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("signed_in", sessions.isSignedIn(request.headers().get(HttpHeaderNames.COOKIE)));
        return Responses.json(alloc, HttpResponseStatus.OK, n);
    }

    /** {@code DELETE /api/v1/session}: signs this browser out. */
    FullHttpResponse signOut(HttpRequest request, ByteBufAllocator alloc) {
        sessions.signOut(request.headers().get(HttpHeaderNames.COOKIE));
        FullHttpResponse res = Responses.empty(alloc, HttpResponseStatus.NO_CONTENT);
        res.headers().set(HttpHeaderNames.SET_COOKIE, Sessions.clearCookie());
        return res;
    }

    static String loginUrl(String adminUrl, String code) {
        return adminUrl.replaceAll("/$", "") + LOGIN + "?code=" + code;
    }
}
