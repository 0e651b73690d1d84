package dev.loopgate.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Re-frames a backend's response head for an HTTP/1.x client, and decides whether either connection may stay open:
 * Content-Length is kept; otherwise the body is chunked for HTTP/1.1 clients and close-delimited for HTTP/1.0 ones.
 */
final class ResponseFraming {
    /** Whether the backend connection may be reused after this response, and the client connection kept. */
    record Outcome(boolean backendReusable, boolean clientKeepAlive) {}

    private ResponseFraming() {}

    /**
     * @param head whether the request was HEAD (no body, whatever the headers say)
     * @param requestComplete whether the whole request body was read before this answer
     * @param keepAlive whether the client asked to keep the connection and the gateway is not draining
     */
    static Outcome prepare(
            HttpResponse res, boolean head, boolean clientHttp10, boolean requestComplete, boolean keepAlive) {
        int code = res.status().code();
        boolean noBody = head || code == 204 || code == 304;
        boolean hasLength = res.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean chunked = HttpUtil.isTransferEncodingChunked(res);
        boolean backendReusable = HttpUtil.isKeepAlive(res) && (noBody || hasLength || chunked);
        HeaderRules.prepareResponse(res, false);
        if (code == 204) {
            res.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        boolean clientKeepAlive = keepAlive;
        if (!noBody && !hasLength) {
            if (clientHttp10) {
                clientKeepAlive = false;
            } else {
                res.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (!requestComplete) {
            // The answer came before the whole request body (a 401 or 417 instead of "100 Continue"): the rest of the
            // body will not be read, so the client must not reuse this connection (RFC 9110 §10.1.1).
            clientKeepAlive = false;
        }
        if (!clientKeepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientHttp10) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        res.setProtocolVersion(HttpVersion.HTTP_1_1);
        return new Outcome(backendReusable, clientKeepAlive);
    }
}
