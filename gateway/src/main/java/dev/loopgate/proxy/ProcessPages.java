package dev.loopgate.proxy;

import dev.loopgate.config.Durations;
import dev.loopgate.process.OnDemand;
import dev.loopgate.process.ProcessStatus;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/**
 * The pages for a service whose command loopgate runs while it is not serving: starting (with its output as it is
 * written, reloading itself when ready), exited (its status and last output), or late (running but not listening).
 */
final class ProcessPages {
    /** Output lines a page shows at first; new ones follow through the event stream. */
    static final int TAIL = 40;

    private ProcessPages() {}

    static Problem of(String service, OnDemand commands, String eventsUrl) {
        ProcessStatus st = commands.status(service);
        OnDemand.Tail last = commands.tail(service, TAIL);
        List<String> tail = last.lines();
        if (tail.isEmpty()) {
            // The block the page fills with output as it comes.
            tail = List.of("(no output yet)");
        }
        if (st == null) {
            return Problem.of(HttpResponseStatus.SERVICE_UNAVAILABLE, "service '" + service + "' is not ready");
        }
        String command = "'" + service + "' (" + st.command() + ")";
        Problem p;
        if (st.state().equals("crashed") || st.state().equals("stopped") && st.problem() != null) {
            p = new Problem(
                    HttpResponseStatus.BAD_GATEWAY,
                    "The command of " + service + " stopped",
                    "The command of service " + command + " " + st.problem() + ".",
                    "Fix what its output below says, then reload this page: loopgate starts it again.",
                    service,
                    null,
                    Map.of(),
                    null);
        } else if (st.problem() != null) {
            p = new Problem(
                    HttpResponseStatus.GATEWAY_TIMEOUT,
                    service + " is not ready",
                    "The command of service " + command + " runs, but " + st.problem(),
                    "Run 'loopgate doctor' to see where it listens; it must use port " + st.port() + ".",
                    service,
                    null,
                    Map.of(),
                    null);
        } else {
            p = new Problem(
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "Starting " + service + "…",
                    "loopgate started the command of service " + command + " on port " + st.port()
                            + " and waits until it is ready (up to " + Durations.format(st.readyTimeout()) + ").",
                    null,
                    service,
                    null,
                    Map.of(),
                    null);
        }
        // The stream starts after the last line shown: nothing written meanwhile is lost, nothing shown twice.
        return p.withLiveReload(eventsUrl + "&after=" + last.lastSeq()).withOutput(tail);
    }
}
