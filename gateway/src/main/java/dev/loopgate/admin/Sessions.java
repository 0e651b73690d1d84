package dev.loopgate.admin;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dashboard sign-in: one-time login codes (printed by the banner and {@code loopgate dashboard}) that a browser
 * exchanges for a session cookie. The cookie is a random value kept in memory, never the token itself, so a login
 * URL left in a terminal or browser history is worthless once used or after {@link #CODE_LIFETIME}.
 */
public final class Sessions {
    static final String COOKIE = "loopgate_session";
    static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    static final Duration SESSION_LIFETIME = Duration.ofDays(7);
    private static final int MAX_CODES = 32;
    private static final int MAX_SESSIONS = 64;

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Instant> codes = new LinkedHashMap<>();
    private final Map<String, Instant> sessions = new LinkedHashMap<>();

    public Sessions(Clock clock) {
        this.clock = clock;
    }

    /** A new one-time code; the oldest unused ones are forgotten beyond {@value #MAX_CODES}. */
    public synchronized String newLoginCode() {
        String code = randomValue();
        put(codes, code, clock.instant().plus(CODE_LIFETIME), MAX_CODES);
        return code;
    }

    /** Uses up a login code: a new session id, or {@code null} when the code is unknown, used or expired. */
    synchronized String redeem(String code) {
        Instant expires = code == null ? null : codes.remove(code);
        if (expires == null || clock.instant().isAfter(expires)) {
            return null;
        }
        String session = randomValue();
        put(sessions, session, clock.instant().plus(SESSION_LIFETIME), MAX_SESSIONS);
        return session;
    }

    /** Whether a {@code Cookie} header carries a live session. */
    synchronized boolean isSignedIn(String cookieHeader) {
        String id = cookieValue(cookieHeader);
        if (id == null) {
            return false;
        }
        Instant now = clock.instant();
        for (Iterator<Map.Entry<String, Instant>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Instant> e = it.next();
            if (now.isAfter(e.getValue())) {
                it.remove();
            } else if (MessageDigest.isEqual(e.getKey().getBytes(), id.getBytes())) {
                return true;
            }
        }
        return false;
    }

    synchronized void signOut(String cookieHeader) {
        String id = cookieValue(cookieHeader);
        if (id != null) {
            sessions.remove(id);
        }
    }

    static String setCookie(String session) {
        return COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + SESSION_LIFETIME.toSeconds();
    }

    static String clearCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    static String cookieValue(String cookieHeader) {
        if (cookieHeader == null) {
            return null;
        }
        for (String part : cookieHeader.split(";")) {
            String p = part.trim();
            if (p.startsWith(COOKIE + "=")) {
                String v = p.substring(COOKIE.length() + 1);
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    private static void put(Map<String, Instant> map, String key, Instant expires, int max) {
        map.put(key, expires);
        Iterator<String> oldest = map.keySet().iterator();
        while (map.size() > max) {
            oldest.next();
            oldest.remove();
        }
    }

    private String randomValue() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
