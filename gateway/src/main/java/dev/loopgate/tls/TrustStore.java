package dev.loopgate.tls;

import java.nio.file.Path;
import java.util.List;

/** One place a machine keeps trusted roots: the system store, a browser's NSS database, a JDK's cacerts. */
public interface TrustStore {
    /** What a user calls it: {@code system (Debian)}, {@code nss ~/.pki/nssdb}, {@code java /usr/lib/jvm/…}. */
    String describe();

    /** The kind, as {@code --store} names it: {@code system}, {@code nss} or {@code java}. */
    String kind();

    /** The commands that add {@code root} (run in order; for {@code --dry-run} and for the fix of a failure). */
    List<List<String>> addCommands(Path root);

    /** The commands that remove loopgate's root. */
    List<List<String>> removeCommands(Path root);

    /** Whether the store holds {@code root} now; {@code null} when that cannot be told without privileges. */
    Boolean trusts(Path root);
}
