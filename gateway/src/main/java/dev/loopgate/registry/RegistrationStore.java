package dev.loopgate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.Json;
import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.Durations;
import dev.loopgate.config.HealthConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API registrations on disk ({@code <state-dir>/registrations.json}), so a restart loses none. Each save writes a
 * temporary file, syncs it and renames it over the old one, so a crash leaves either version, never half of one.
 */
public final class RegistrationStore {
    private static final Logger log = LoggerFactory.getLogger(RegistrationStore.class);

    private final Path file;

    public RegistrationStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * The saved registrations whose lease has not run out. A file that is not valid — not UTF-8, not JSON, or one
     * field wrong — is moved aside with a warning, so that the next save does not overwrite what could be repaired.
     */
    public List<Registration> load(Instant now) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            log.warn("cannot read {} ({}); starting without API registrations", file, e.getMessage());
            return List.of();
        }
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
            List<Registration> out = new ArrayList<>();
            JsonNode list = Json.mapper().readTree(text).required("registrations");
            if (!list.isArray()) {
                // Found by fuzzing: a string or object here read as "no registrations", and the next save
                // overwrote the file.
                throw new IllegalArgumentException("'registrations' must be a list");
            }
            for (JsonNode n : list) {
                Registration r = fromJson(n);
                if (!r.expired(now)) {
                    out.add(r);
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            // RuntimeException: a date, duration or URL that does not parse is as corrupt as broken JSON.
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + now.toEpochMilli());
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                log.warn("cannot move {} aside: {}", file, moveFailed.getMessage());
            }
            String why = e instanceof java.nio.charset.CharacterCodingException
                    ? "it is not UTF-8 text"
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn(
                    "{} is not a valid registrations file ({}); moved it to {} and started without API registrations"
                            + " (re-register them, or repair the file and move it back while the gateway is stopped)",
                    file,
                    why,
                    aside);
            return List.of();
        }
    }

    public void save(Collection<Registration> registrations) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode list = root.putArray("registrations");
        registrations.forEach(r -> list.add(toJson(r)));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ObjectNode toJson(Registration r) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("service", r.service());
        n.put("id", r.id());
        n.put("url", r.url().toString());
        r.hosts().forEach(n.putArray("hosts")::add);
        r.paths().forEach(n.putArray("paths")::add);
        n.put("strip_prefix", r.stripPrefix());
        ObjectNode h = n.putObject("health");
        h.put("path", r.health().path());
        h.put("interval", Durations.format(r.health().interval()));
        h.put("timeout", Durations.format(r.health().timeout()));
        h.put("healthy_threshold", r.health().healthyThreshold());
        h.put("unhealthy_threshold", r.health().unhealthyThreshold());
        if (r.ttl() != null) {
            n.put("ttl", Durations.format(r.ttl()));
            n.put("expires_at", r.expiresAt().toString());
        }
        return n;
    }

    private static Registration fromJson(JsonNode n) {
        List<String> hosts = new ArrayList<>();
        n.required("hosts").forEach(h -> hosts.add(h.asText()));
        List<String> paths = new ArrayList<>();
        n.required("paths").forEach(p -> paths.add(p.asText()));
        JsonNode h = n.required("health");
        HealthConfig health = new HealthConfig(
                h.required("path").asText(),
                Durations.parse(h.required("interval").asText()),
                Durations.parse(h.required("timeout").asText()),
                h.path("healthy_threshold").asInt(HealthConfig.DEFAULT.healthyThreshold()),
                h.path("unhealthy_threshold").asInt(HealthConfig.DEFAULT.unhealthyThreshold()));
        return new Registration(
                n.required("service").asText(),
                n.required("id").asText(),
                BackendUrl.parse(n.required("url").asText()),
                hosts,
                paths,
                n.required("strip_prefix").asBoolean(),
                health,
                n.has("ttl") ? Durations.parse(n.get("ttl").asText()) : null,
                n.has("expires_at") ? Instant.parse(n.get("expires_at").asText()) : null);
    }
}
