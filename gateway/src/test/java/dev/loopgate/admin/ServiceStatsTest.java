package dev.loopgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loopgate.inspector.Inspector;
import dev.loopgate.proxy.ExchangeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceStatsTest {
    private static final long NOW = 1_800_000_000_000L;

    private static Inspector.Entry entry(long id, String service, int status, long millisAgo, long durationMillis) {
        ExchangeRecord r = new ExchangeRecord(
                NOW - millisAgo,
                "127.0.0.1",
                "GET",
                service + ".localhost",
                "/",
                service,
                "127.0.0.1:1",
                status,
                durationMillis * 1_000_000,
                -1,
                -1,
                0,
                0,
                status == 0,
                "",
                "",
                "http/1.1",
                null);
        return new Inspector.Entry(id, r, 0);
    }

    @Test
    void figuresCoverTheLastMinuteOnly() {
        List<Inspector.Entry> entries = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            entries.add(entry(i, "web", i <= 3 ? 502 : 200, 1_000, i));
        }
        entries.add(entry(101, "web", 500, 61_000, 5_000));
        entries.add(entry(102, "api", 0, 10, 7));

        Map<String, ServiceStats> stats = ServiceStats.of(entries, NOW);
        ServiceStats web = stats.get("web");
        assertThat(web.requests()).isEqualTo(100);
        assertThat(web.perSecond()).isCloseTo(100 / 60.0, within(1e-9));
        assertThat(web.errorRatio()).isCloseTo(0.03, within(1e-9));
        assertThat(web.p95Millis()).isEqualTo(95.0);
        assertThat(stats.get("api").errorRatio())
                .as("broken off before a status")
                .isEqualTo(1.0);
    }
}
