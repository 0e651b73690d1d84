package dev.loopgate.proxy;

import dev.loopgate.routing.Backend;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.ConnectException;
import java.net.UnknownHostException;

/** The ways a backend can fail an exchange, and the one table that maps them to a status and an explanation. */
enum BackendFailure {
    REFUSED(HttpResponseStatus.BAD_GATEWAY, "refused the connection"),
    CONNECT_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "did not accept the connection in time"),
    RESPONSE_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "accepted the request but did not answer in time"),
    RESET(HttpResponseStatus.BAD_GATEWAY, "closed the connection before answering"),
    BAD_RESPONSE(HttpResponseStatus.BAD_GATEWAY, "sent a response that is not valid HTTP/1.1"),
    UNREACHABLE(HttpResponseStatus.BAD_GATEWAY, "could not be reached");

    private final HttpResponseStatus status;
    private final String what;

    BackendFailure(HttpResponseStatus status, String what) {
        this.status = status;
        this.what = what;
    }

    HttpResponseStatus status() {
        return status;
    }

    /** The page for this failure: which service and backend, what happened, and the usual fix. */
    Problem describe(Backend backend, String detail) {
        String where = backend.url().isLocalhostName()
                ? "localhost:" + backend.url().port() + " (tried 127.0.0.1 and ::1)"
                : backend.url().authority();
        String message = "The backend of service '" + backend.service() + "' at " + where + " " + what
                + (detail == null || detail.isEmpty() ? "." : ": " + detail + ".");
        return new Problem(
                status, title(), message, fix(backend), backend.service(), backend.id(), java.util.Map.of(), null);
    }

    private String title() {
        return switch (this) {
            case REFUSED -> "Nothing is listening on the backend's port";
            case CONNECT_TIMEOUT, RESPONSE_TIMEOUT -> "The backend timed out";
            case RESET -> "The backend closed the connection";
            case BAD_RESPONSE -> "The backend sent an invalid response";
            case UNREACHABLE -> "The backend cannot be reached";
        };
    }

    private String fix(Backend backend) {
        int port = backend.url().port();
        return switch (this) {
            case REFUSED -> "Start the dev server for '" + backend.service() + "' on port " + port
                    + ", or point the service at the port it really uses.";
            case CONNECT_TIMEOUT -> "Check that the process on port " + port + " is not stopped or overloaded.";
            case RESPONSE_TIMEOUT -> "The server may be busy or stuck on this request; raise the service's"
                    + " response_timeout if it is just slow.";
            case RESET -> "Look at the dev server's own output: it may have crashed or restarted.";
            case BAD_RESPONSE -> "Make sure port " + port
                    + " serves plain HTTP/1.1 (not TLS, HTTP/2 or another protocol).";
            case UNREACHABLE -> "Check the backend URL in the config.";
        };
    }

    /** 503: the service has no backends, or none is healthy (with what each last failed on). */
    static Problem noBackend(dev.loopgate.routing.Route route) {
        String name = route.serviceName();
        if (route.backends().isEmpty()) {
            return Problem.of(
                            io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "Service '" + name + "' has no backends.")
                    .withFix("Register one with 'loopgate register " + name
                            + " http://127.0.0.1:PORT' or add it to the config.");
        }
        StringBuilder why = new StringBuilder();
        for (Backend b : route.backends()) {
            why.append(why.length() == 0 ? "" : "; ")
                    .append(b.url().authority())
                    .append(": ")
                    .append(b.health().lastError() == null ? "down" : b.health().lastError());
        }
        return new Problem(
                io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE,
                "No backend of '" + name + "' is up",
                "None of the backends of service '" + name + "' is healthy (" + why + ").",
                "Start the dev server; loopgate notices within one health-check interval.",
                name,
                null,
                java.util.Map.of(),
                null);
    }

    /** What a failed connect was: refused, timed out, or the backend could not be reached at all. */
    static BackendFailure ofConnect(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return BackendFailure.CONNECT_TIMEOUT;
        }
        if (cause instanceof ConnectException) {
            return BackendFailure.REFUSED;
        }
        if (cause instanceof UnknownHostException) {
            return BackendFailure.UNREACHABLE;
        }
        return BackendFailure.UNREACHABLE;
    }

    /** How a failed connect reads in the backend's health ("last error" on the dashboard and the 503 page). */
    String healthReason(Throwable cause) {
        return switch (this) {
            case REFUSED -> "connection refused";
            case CONNECT_TIMEOUT -> "connect timed out";
            default -> String.valueOf(detail(cause));
        };
    }

    /** A failure's message without Netty's "finishConnect(..)" prefix, or {@code null}. */
    static String detail(Throwable cause) {
        if (cause == null || cause.getMessage() == null) {
            return null;
        }
        String m = cause.getMessage();
        int colon = m.indexOf(": ");
        return colon > 0 && m.startsWith("finishConnect") ? m.substring(colon + 2) : m;
    }
}
