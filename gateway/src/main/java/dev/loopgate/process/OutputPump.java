package dev.loopgate.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one output stream of a command line by line into its {@link OutputLog} and loopgate's own log ({@code web |
 * …}, as Compose and foreman show their services). A carriage return ends a line too (progress bars redraw with it),
 * and a line is cut at {@link OutputLog#MAX_LINE_CHARS}.
 */
final class OutputPump implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("dev.loopgate.process.Output");

    private final String service;
    private final InputStream in;
    private final String stream;
    private final OutputLog output;

    private OutputPump(String service, InputStream in, String stream, OutputLog output) {
        this.service = service;
        this.in = in;
        this.stream = stream;
        this.output = output;
    }

    static Thread start(String service, InputStream in, String stream, OutputLog output) {
        Thread t = new Thread(new OutputPump(service, in, stream, output), "loopgate-output-" + service);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void run() {
        StringBuilder line = new StringBuilder();
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            int c;
            while ((c = r.read()) != -1) {
                if (c == '\n' || c == '\r') {
                    emit(line);
                } else if (line.length() <= OutputLog.MAX_LINE_CHARS) {
                    line.append((char) c);
                }
            }
        } catch (IOException e) {
            // the process went away; what it wrote is in
        }
        emit(line);
    }

    private void emit(StringBuilder line) {
        if (line.length() == 0) {
            return;
        }
        String text = line.toString();
        line.setLength(0);
        output.append(stream, text);
        log.info("{} | {}", service, text);
    }
}
