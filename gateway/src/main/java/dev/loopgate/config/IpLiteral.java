package dev.loopgate.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;

/**
 * Tells IP literals from host names without a lookup. A pattern such as {@code [0-9a-f:.]+} takes names like
 * {@code cafe}, {@code db} or {@code bff} (Compose service names) for IPv6 literals, and resolving those with
 * {@code InetAddress.getByName} blocks on DNS.
 */
public final class IpLiteral {
    private IpLiteral() {}

    /** The address a literal ({@code 127.0.0.1}, {@code ::1}, {@code [::1]}) stands for; {@code null} for a name. */
    public static InetAddress parse(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!NetUtil.isValidIpV4Address(h) && !NetUtil.isValidIpV6Address(h)) {
            return null;
        }
        return NetUtil.createInetAddressFromIpAddressString(h);
    }

    public static boolean is(String host) {
        return parse(host) != null;
    }
}
