package dev.loopgate.proxy;

import java.util.Locale;

/**
 * A request target split the way routing needs it (RFC 9112 §3.2): the authority from absolute-form (or
 * {@code null} for origin-form) and the origin-form target the backend is sent.
 */
record RequestTarget(String authority, String originForm, String path) {

    /** Returns {@code null} when the target is neither origin-form nor {@code http://} absolute-form. */
    static RequestTarget parse(String uri) {
        if (uri.startsWith("/")) {
            return new RequestTarget(null, uri, pathOf(uri));
        }
        if (uri.length() > 7 && uri.substring(0, 7).toLowerCase(Locale.ROOT).equals("http://")) {
            int slash = indexOfAny(uri, 7);
            String authority = slash < 0 ? uri.substring(7) : uri.substring(7, slash);
            String rest = slash < 0 ? "/" : uri.substring(slash);
            if (rest.startsWith("?")) {
                rest = "/" + rest;
            }
            if (authority.isEmpty() || rest.startsWith("#")) {
                return null;
            }
            return new RequestTarget(authority, rest, pathOf(rest));
        }
        return null;
    }

    private static int indexOfAny(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    private static String pathOf(String originForm) {
        int q = originForm.indexOf('?');
        return q < 0 ? originForm : originForm.substring(0, q);
    }
}
