package dev.loopgate.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One finished exchange, as metrics and the request inspector see it.
 *
 * @param service the service name, {@code admin} for the admin host, {@code none} when nothing was routed
 * @param status the response status, 0 when the exchange broke before one was sent
 * @param connectNanos start to backend connection ready, -1 when no backend was connected
 * @param firstByteNanos start to the backend's response head, -1 when none arrived
 * @param requestHeaders the request headers as the client sent them, one {@code Name: value} line each in a single
 *     string (secrets are redacted by {@link #pairs}, when they are shown): one small object per exchange, because what the inspector keeps alive
 *     is copied by every young collection (Netty's header objects made those pauses ten times longer)
 * @param responseHeaders the response headers as the client received them, likewise
 * @param protocol the client's protocol: {@code http/1.1} or {@code h2}
 * @param tls the TLS version of the client's connection ({@code TLSv1.3}), {@code null} for plain HTTP
 */
public record ExchangeRecord(
        long startMillis,
        String client,
        String method,
        String host,
        String path,
        String service,
        String backend,
        int status,
        long durationNanos,
        long connectNanos,
        long firstByteNanos,
        long bytesIn,
        long bytesOut,
        boolean aborted,
        String requestHeaders,
        String responseHeaders,
        String protocol,
        String tls) {

    static final String NONE = "";

    private static final List<String> CREDENTIALS =
            List.of("authorization", "proxy-authorization", "cookie", "set-cookie");

    /**
     * A header whose name contains one of these (any case) carries a secret: {@code X-Api-Key}, {@code X-Auth-Token},
     * {@code X-Amz-Security-Token}, {@code X-CSRF-Token}, {@code X-Session-Id}… Its whole value is redacted.
     */
    private static final List<String> SECRET_NAME_PARTS =
            List.of("token", "secret", "password", "passwd", "api-key", "apikey", "api_key", "auth", "session");

    /** Headers that carry URLs, whose query may hold {@code ?api_key=…}. */
    private static final List<String> URL_HEADERS = List.of("referer", "location", "content-location");

    /** Query parameters whose values are secrets, by name. */
    private static final java.util.regex.Pattern SECRET_PARAMETER = java.util.regex.Pattern.compile(
            "([?&;](?:[a-z0-9_.-]*(?:token|secret|password|passwd|pwd|api[_-]?key|apikey|key|signature|sig|session"
                    + "|auth|code)[a-z0-9_.-]*)=)[^&;#]*",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * Headers as {@code Name: value} lines, as they were. Runs for every exchange, so it reads the headers as they are
     * stored (no String per name and value), sizes its buffer in a first pass, and leaves redaction to {@link #pairs},
     * which runs only when someone looks.
     */
    static String capture(HttpHeaders headers) {
        int size = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            size += e.getKey().length() + e.getValue().length() + 3;
        }
        StringBuilder out = new StringBuilder(size);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            out.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        return out.toString();
    }

    /**
     * Captured headers as {@code (name, value)} pairs, secrets redacted: credential values (cookie names and auth
     * schemes stay), headers named like a secret, and secret query parameters in URL headers.
     */
    public static List<Map.Entry<String, String>> pairs(String headers) {
        List<Map.Entry<String, String>> out = new java.util.ArrayList<>();
        for (String line : headers.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                String name = line.substring(0, colon);
                out.add(Map.entry(name, redacted(name, line.substring(colon + 2))));
            }
        }
        return out;
    }

    private static String redacted(String name, String value) {
        String credential = credential(name);
        if (credential != null) {
            return redact(credential, value);
        }
        if (containsAny(name, SECRET_NAME_PARTS)) {
            return "[redacted]";
        }
        if (isAny(name, URL_HEADERS)) {
            return SECRET_PARAMETER.matcher(value).replaceAll("$1[redacted]");
        }
        return value;
    }

    /** The lower-case name of a credential header, or {@code null} for any other header. */
    private static String credential(CharSequence name) {
        for (String c : CREDENTIALS) {
            if (AsciiString.contentEqualsIgnoreCase(name, c)) {
                return c;
            }
        }
        return null;
    }

    private static boolean isAny(CharSequence name, List<String> names) {
        for (String n : names) {
            if (AsciiString.contentEqualsIgnoreCase(name, n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAny(CharSequence name, List<String> parts) {
        for (String part : parts) {
            int last = name.length() - part.length();
            for (int i = 0; i <= last; i++) {
                if (AsciiString.regionMatches(name, true, i, part, 0, part.length())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String redact(String name, String value) {
        if (name.equals("cookie")) {
            StringBuilder b = new StringBuilder();
            for (String part : value.split(";")) {
                int eq = part.indexOf('=');
                b.append(b.length() == 0 ? "" : "; ")
                        .append(eq < 0 ? part.trim() : part.substring(0, eq).trim() + "=[redacted]");
            }
            return b.toString();
        }
        if (name.equals("set-cookie")) {
            return value.substring(0, Math.max(0, value.indexOf('=') + 1)) + "[redacted]";
        }
        int space = value.indexOf(' ');
        return space > 0 ? value.substring(0, space) + " [redacted]" : "[redacted]";
    }
}
