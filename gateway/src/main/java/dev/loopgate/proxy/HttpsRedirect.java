package dev.loopgate.proxy;

import dev.loopgate.routing.HostNames;
import dev.loopgate.routing.Route;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** {@code redirect}: plain-HTTP requests for a served host sent to the same URL on https. */
final class HttpsRedirect {
    private HttpsRedirect() {}

    /** The service's own {@code redirect} if it has one, else {@code https.redirect}; never while HTTPS is off. */
    static boolean applies(GatewayContext gateway, ClientProtocol protocol, Route route) {
        if (protocol.secure() || gateway.httpsPort() == 0) {
            return false;
        }
        Boolean own = route.service().httpsRedirect();
        return own != null ? own : gateway.config().https().redirect();
    }

    /** A 308, which keeps the method and body (RFC 9110 §15.4.9): a form POST survives the redirect. */
    static FullHttpResponse response(String authority, RequestTarget target, int httpsPort) {
        String host = HostNames.normalize(authority);
        String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        String location = "https://" + hostPart + (httpsPort == 443 ? "" : ":" + httpsPort) + target.originForm();
        FullHttpResponse res = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.PERMANENT_REDIRECT, Unpooled.EMPTY_BUFFER);
        res.headers().set(HttpHeaderNames.LOCATION, location).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return res;
    }
}
