package dev.loopgate.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/**
 * Everything an error page says: what happened, to which service and backend, and what to do about it.
 *
 * @param urls the served URLs per service, shown on "not found" pages; empty elsewhere
 * @param suggestion a close served name ("did you mean"), or {@code null}
 */
record Problem(HttpResponseStatus status, String title, String detail, String fix, String service, String backend,
        Map<String, List<String>> urls, String suggestion) {

    static Problem of(HttpResponseStatus status, String detail) {
        return new Problem(status, status.reasonPhrase(), detail, null, null, null, Map.of(), null);
    }

    Problem withFix(String newFix) {
        return new Problem(status, title, detail, newFix, service, backend, urls, suggestion);
    }
}
