package dev.loopgate.inspector;

import dev.loopgate.proxy.ExchangeObserver;
import dev.loopgate.proxy.ExchangeRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The last exchanges, for the request inspector: at most {@code capacity} of them and about {@code maxBytes} of
 * memory, the oldest dropped first. Appending is one short critical section per exchange; reading copies.
 */
public final class Inspector implements ExchangeObserver {
    public static final int DEFAULT_CAPACITY = 1000;
    public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;

    /** An inspected exchange with its sequence number, the id the API uses. */
    public record Entry(long id, ExchangeRecord exchange, long bytes) {}

    private final int capacity;
    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId = 1;
    private long bytes;
    private long clears;

    public Inspector(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    @Override
    public void completed(ExchangeRecord r) {
        if (r.service().equals("admin")) {
            return;
        }
        long size = estimate(r);
        synchronized (this) {
            entries.addLast(new Entry(nextId++, r, size));
            bytes += size;
            while (entries.size() > capacity || bytes > maxBytes && entries.size() > 1) {
                bytes -= entries.removeFirst().bytes();
            }
        }
    }

    /**
     * The newest entries first, at most {@code limit}, optionally only one service's and one status class's
     * ({@code "5xx"}; {@code "0xx"} for exchanges that broke before a status).
     */
    public synchronized List<Entry> recent(String service, String statusClass, int limit) {
        List<Entry> out = new ArrayList<>();
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            Entry e = it.next();
            if (service != null && !service.equals(e.exchange().service())) {
                continue;
            }
            if (statusClass != null && !statusClass.equals(e.exchange().status() / 100 + "xx")) {
                continue;
            }
            out.add(e);
        }
        return out;
    }

    public synchronized Entry get(long id) {
        for (Entry e : entries) {
            if (e.id() == id) {
                return e;
            }
        }
        return null;
    }

    /**
     * The entries newer than {@code id}, oldest first: at most the newest {@code limit} of them. The dashboard's
     * stream sends these as they come.
     */
    public synchronized List<Entry> after(long id, int limit) {
        List<Entry> out = new ArrayList<>();
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            Entry e = it.next();
            if (e.id() <= id) {
                break;
            }
            out.add(e);
        }
        Collections.reverse(out);
        return out;
    }

    /** The id the newest entry got (or 0): streams start after it. */
    public synchronized long lastId() {
        return nextId - 1;
    }

    public synchronized void clear() {
        entries.clear();
        bytes = 0;
        clears++;
    }

    /** How often the inspector was cleared, so that open dashboards can clear their lists too. */
    public synchronized long clears() {
        return clears;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** Roughly what an entry keeps alive: its strings (two bytes a char) plus object overhead. */
    static long estimate(ExchangeRecord r) {
        long chars = r.client().length()
                + r.method().length()
                + r.host().length()
                + r.path().length()
                + r.service().length()
                + r.backend().length();
        chars += r.requestHeaders().length() + r.responseHeaders().length();
        return 256 + 2 * chars;
    }
}
