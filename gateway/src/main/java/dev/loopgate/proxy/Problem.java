package dev.loopgate.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/**
 * Everything an error page says: what happened, to which service and backend, and what to do about it.
 *
 * @param urls the served URLs per service, shown on "not found" pages; empty elsewhere
 * @param suggestion a close served name ("did you mean"), or {@code null}
 * @param liveReload a server-sent-events URL whose {@code up} event makes the HTML page reload itself, or {@code null}
 * @param output the last lines a command loopgate runs for the service wrote (the page adds new ones live); empty
 *     for services loopgate does not run
 */
record Problem(
        HttpResponseStatus status,
        String title,
        String detail,
        String fix,
        String service,
        String backend,
        Map<String, List<String>> urls,
        String suggestion,
        String liveReload,
        List<String> output) {

    Problem {
        output = List.copyOf(output);
    }

    Problem(
            HttpResponseStatus status,
            String title,
            String detail,
            String fix,
            String service,
            String backend,
            Map<String, List<String>> urls,
            String suggestion) {
        this(status, title, detail, fix, service, backend, urls, suggestion, null, List.of());
    }

    static Problem of(HttpResponseStatus status, String detail) {
        return new Problem(status, status.reasonPhrase(), detail, null, null, null, Map.of(), null);
    }

    Problem withFix(String newFix) {
        return new Problem(status, title, detail, newFix, service, backend, urls, suggestion, liveReload, output);
    }

    Problem withLiveReload(String eventsUrl) {
        return new Problem(status, title, detail, fix, service, backend, urls, suggestion, eventsUrl, output);
    }

    Problem withOutput(List<String> lines) {
        return new Problem(status, title, detail, fix, service, backend, urls, suggestion, liveReload, lines);
    }
}
