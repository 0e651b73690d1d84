package dev.loopgate.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
            return new Token(Files.readString(file, StandardCharsets.UTF_8).trim());
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(stateDir);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
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
