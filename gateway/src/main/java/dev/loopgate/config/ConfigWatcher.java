package dev.loopgate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the config file and hands every changed, complete version to {@code onValid} or {@code onInvalid}.
 * It watches the directory (editors often replace the file rather than write it) and also compares the content at
 * each poll interval, because file events do not arrive on every file system (bind mounts, network shares).
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    /** Editors write in several steps; wait this long after an event for the file to settle. */
    private static final long SETTLE_MILLIS = 50;

    private final Path file;
    private final Consumer<GatewayConfig> onValid;
    private final Consumer<ConfigException> onInvalid;
    private final Duration pollInterval;
    private final Thread thread;
    private final boolean fileEvents;
    private volatile boolean closed;
    private WatchService watcher;
    private String lastContent;
    /** Size, modification time and file key at the last look: content is read only when one of them changed. */
    private String lastStamp;
    /** Looks at the file so far; every eighth reads it even when its stamp is unchanged. */
    private long ticks;

    public ConfigWatcher(
            Path file,
            String currentContent,
            Duration pollInterval,
            Consumer<GatewayConfig> onValid,
            Consumer<ConfigException> onInvalid) {
        this(file, currentContent, pollInterval, onValid, onInvalid, true);
    }

    /** With {@code fileEvents} false, only the content check at each poll interval finds edits (as on bind mounts). */
    public ConfigWatcher(
            Path file,
            String currentContent,
            Duration pollInterval,
            Consumer<GatewayConfig> onValid,
            Consumer<ConfigException> onInvalid,
            boolean fileEvents) {
        this.fileEvents = fileEvents;
        this.file = file.toAbsolutePath();
        this.lastContent = currentContent;
        this.pollInterval = pollInterval;
        this.onValid = onValid;
        this.onInvalid = onInvalid;
        this.thread = new Thread(this::run, "loopgate-config-watch");
        this.thread.setDaemon(true);
    }

    /** Reads a file as the watcher does, so the caller can hand the starting content to the constructor. */
    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** What identifies a version of the file without reading it: size, modification time, file key (inode). */
    private static String stamp(Path f) {
        try {
            var a = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
            return a.size() + "/" + a.lastModifiedTime().toMillis() + "/" + a.fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    public ConfigWatcher start() {
        if (!fileEvents) {
            thread.start();
            return this;
        }
        try {
            watcher = FileSystems.getDefault().newWatchService();
            file.getParent()
                    .register(
                            watcher,
                            StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | UnsupportedOperationException e) {
            log.info(
                    "file events unavailable for {} ({}); checking every {} ms",
                    file,
                    e.getMessage(),
                    pollInterval.toMillis());
            watcher = null;
        }
        thread.start();
        return this;
    }

    private void run() {
        while (!closed) {
            try {
                if (watcher != null) {
                    var key = watcher.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    if (key != null) {
                        Thread.sleep(SETTLE_MILLIS);
                        key.pollEvents();
                        key.reset();
                    }
                } else {
                    Thread.sleep(pollInterval.toMillis());
                }
                check();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                log.error("config watcher: {}", e.toString(), e);
            }
        }
    }

    private void check() {
        String stamp = stamp(file);
        // A same-size edit within the file system's timestamp granularity leaves the stamp as it was, so every
        // eighth look reads the content anyway: such an edit is found a few seconds later instead of never.
        boolean due = ++ticks % 8 == 0;
        if (stamp == null || (stamp.equals(lastStamp) && !due)) {
            return;
        }
        boolean changed = !stamp.equals(lastStamp);
        lastStamp = stamp;
        try {
            ConfigLoader.checkSize(file.toString(), Files.size(file));
        } catch (ConfigException e) {
            if (changed) {
                lastContent = null;
                onInvalid.accept(e);
            }
            return;
        } catch (IOException e) {
            return;
        }
        String content = read(file);
        if (content == null || Objects.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        try {
            onValid.accept(ConfigLoader.parse(content, file.toString()));
        } catch (ConfigException e) {
            onInvalid.accept(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                log.debug("closing watcher: {}", e.toString());
            }
        }
    }
}
