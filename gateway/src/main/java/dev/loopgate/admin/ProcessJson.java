package dev.loopgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.process.OutputLog;
import dev.loopgate.process.ProcessStatus;
import java.util.List;

/** A command's status and output lines as the API shows them. */
final class ProcessJson {
    private ProcessJson() {}

    static void put(ObjectNode n, ProcessStatus st) {
        n.put("state", st.state());
        if (st.pid() == null) {
            n.putNull("pid");
        } else {
            n.put("pid", st.pid());
        }
        if (st.startedAt() == null) {
            n.putNull("started_at");
        } else {
            n.put("started_at", st.startedAt().toString());
        }
        if (st.exitCode() == null) {
            n.putNull("exit_code");
        } else {
            n.put("exit_code", st.exitCode());
        }
        n.put("restarts", st.restarts());
        n.put("port", st.port());
        n.put("command", st.command());
        if (st.problem() == null) {
            n.putNull("problem");
        } else {
            n.put("problem", st.problem());
        }
    }

    /** {@code {"lines": [{"seq", "stream", "text"}…], "next": SEQ}}: ask for {@code ?after=SEQ} to get what follows. */
    static void lines(ObjectNode n, List<OutputLog.Line> lines, long after) {
        ArrayNode list = n.putArray("lines");
        long last = Math.max(after, 0);
        for (OutputLog.Line l : lines) {
            list.addObject().put("seq", l.seq()).put("stream", l.stream()).put("text", OutputLog.plain(l.text()));
            last = Math.max(last, l.seq());
        }
        n.put("next", last);
    }
}
