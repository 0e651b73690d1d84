package dev.loopgate.admin;

import dev.loopgate.inspector.Inspector;
import dev.loopgate.proxy.ExchangeRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Request rate, error rate and p95 latency per service over the last minute, from what the inspector recorded. A
 * failed exchange (5xx or broken off before a status) counts as an error; 4xx answers are the client's business.
 */
record ServiceStats(int requests, double perSecond, double errorRatio, double p95Millis) {
    static final long WINDOW_MILLIS = 60_000;

    static Map<String, ServiceStats> of(List<Inspector.Entry> entries, long nowMillis) {
        Map<String, List<ExchangeRecord>> byService = new HashMap<>();
        for (Inspector.Entry e : entries) {
            ExchangeRecord r = e.exchange();
            if (nowMillis - r.startMillis() <= WINDOW_MILLIS) {
                byService.computeIfAbsent(r.service(), k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, ServiceStats> out = new HashMap<>();
        byService.forEach((service, records) -> out.put(service, summarise(records)));
        return out;
    }

    private static ServiceStats summarise(List<ExchangeRecord> records) {
        long[] durations = new long[records.size()];
        int errors = 0;
        for (int i = 0; i < durations.length; i++) {
            ExchangeRecord r = records.get(i);
            durations[i] = r.durationNanos();
            if (r.status() >= 500 || r.status() == 0 || r.aborted()) {
                errors++;
            }
        }
        Arrays.sort(durations);
        int rank = (int) Math.ceil(0.95 * durations.length) - 1;
        double p95 = durations[Math.max(0, rank)] / 1_000_000.0;
        return new ServiceStats(
                durations.length,
                durations.length / (WINDOW_MILLIS / 1000.0),
                (double) errors / durations.length,
                Math.round(p95 * 10) / 10.0);
    }
}
