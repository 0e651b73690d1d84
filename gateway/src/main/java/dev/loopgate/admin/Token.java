package dev.loopgate.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The bearer token that changes need: {@code $LOOPGATE_TOKEN}, else {@code <state-dir>/token}, created at first
 * start with mode 0600 so only this user can read it.
 */
public final class Token {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Token.class);

    private final String value;

    private Token(String value) {
        this.value = value;
    }

    public static Token resolve(Map<String, String> env, Path stateDir) throws IOException {
        String fromEnv = env.get("LOOPGATE_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Token(fromEnv.trim());
        }
        Path file = stateDir.resolve("token");
        if (Files.exists(file)) {
            keepPrivate(file);
            String saved = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!saved.isEmpty()) {
                return new Token(saved);
            }
            log.warn("{} is empty; writing a new token", file);
            return create(file);
        }
        Files.createDirectories(stateDir);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        return create(file);
    }

    /**
     * A token file others can read gives them the API: its mode is set back to 0600, and the user is told, since
     * whoever read it could still use it (deleting the file makes a new one at the next start).
     */
    private static void keepPrivate(Path file) throws IOException {
        java.util.Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return;
        }
        java.util.Set<PosixFilePermission> open = java.util.EnumSet.copyOf(mode);
        open.retainAll(java.util.EnumSet.of(
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_WRITE));
        if (open.isEmpty()) {
            return;
        }
        String was = PosixFilePermissions.toString(mode);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new IOException("the token file " + file + " is readable by others (" + was
                    + ") and its mode cannot be changed (" + e.getMessage() + "): run 'chmod 600 " + file
                    + "', or delete it for a new token");
        }
        log.warn(
                "the token file {} was readable by other users ({}); its mode is now rw------- (0600). Anyone who"
                        + " read it could change your routes: delete the file and restart for a new token",
                file,
                was);
    }

    private static Token create(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return new Token(token);
    }

    public static Token of(String value) {
        return new Token(value);
    }

    public String value() {
        return value;
    }

    /** Compares in constant time, so response timing does not reveal how much of a guess was right. */
    boolean matches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, value.getBytes(StandardCharsets.UTF_8));
    }
}
