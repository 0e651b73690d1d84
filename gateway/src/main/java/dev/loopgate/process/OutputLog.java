package dev.loopgate.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The last lines a service's command wrote (stdout and stderr, and loopgate's own notes on it: started, exited),
 * bounded, each numbered so that a reader can ask for what came after the last line it saw.
 */
public final class OutputLog {
    /** Lines kept per service. */
    public static final int MAX_LINES = 1000;
    /** Longer lines are cut: a minified bundle printed by mistake must not fill the memory. */
    static final int MAX_LINE_CHARS = 4096;

    /** One line: {@code stream} is {@code stdout}, {@code stderr} or {@code loopgate}. */
    public record Line(long seq, String stream, String text) {}

    private final ArrayDeque<Line> lines = new ArrayDeque<>();
    private final List<Consumer<Line>> followers = new CopyOnWriteArrayList<>();
    private long next = 1;

    public synchronized void append(String stream, String text) {
        String cut = text.length() > MAX_LINE_CHARS ? text.substring(0, MAX_LINE_CHARS) + " […]" : text;
        Line line = new Line(next++, stream, cut);
        lines.addLast(line);
        if (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
        // Under the lock, so that a follower that just joined gets its backlog and then this, in order. Followers
        // only hand the line on (to an event loop's queue).
        for (Consumer<Line> f : followers) {
            f.accept(line);
        }
    }

    /** The last {@code n} lines, oldest first. */
    public synchronized List<Line> tail(int n) {
        List<Line> all = new ArrayList<>(lines);
        return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
    }

    /** The lines numbered above {@code seq} that are still kept, oldest first. */
    public synchronized List<Line> after(long seq) {
        List<Line> out = new ArrayList<>();
        for (Line l : lines) {
            if (l.seq() > seq) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * Tells {@code follower} of the kept lines numbered above {@code after} and then of every new line, in order,
     * on the writer's thread, until the returned handle is run. A page that showed the lines up to {@code after}
     * misses none written before its stream opened.
     */
    public synchronized Runnable follow(long after, Consumer<Line> follower) {
        after(after).forEach(follower);
        followers.add(follower);
        return () -> followers.remove(follower);
    }

    /** Text as a terminal would show it, minus colours and cursor moves (for pages and JSON). */
    public static String plain(String text) {
        return text.replaceAll("\u001b\\[[0-9;?]*[ -/]*[@-~]", "").replaceAll("\u001b\\][^\u0007]*\u0007", "");
    }
}
