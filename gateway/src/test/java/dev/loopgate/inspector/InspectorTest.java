package dev.loopgate.inspector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.proxy.ExchangeRecord;
import org.junit.jupiter.api.Test;

class InspectorTest {
    private static ExchangeRecord record(String service, int status, String headerValue) {
        return new ExchangeRecord(
                0,
                "127.0.0.1",
                "GET",
                service + ".localhost",
                "/",
                service,
                "b",
                status,
                1_000_000,
                100_000,
                500_000,
                0,
                10,
                false,
                "X-Big: " + headerValue + "\n",
                "",
                "http/1.1",
                null);
    }

    @Test
    void keepsAtMostCapacityEntriesNewestFirst() {
        Inspector inspector = new Inspector(3, Long.MAX_VALUE);
        for (int i = 0; i < 5; i++) {
            inspector.completed(record("web", 200 + i, "v"));
        }
        assertThat(inspector.size()).isEqualTo(3);
        assertThat(inspector.recent(null, null, 10))
                .extracting(e -> e.exchange().status())
                .containsExactly(204, 203, 202);
        assertThat(inspector.get(1)).isNull();
        assertThat(inspector.get(5).exchange().status()).isEqualTo(204);
    }

    @Test
    void theMemoryCapDropsTheOldestEntries() {
        Inspector inspector = new Inspector(1000, 64 * 1024);
        String big = "x".repeat(10_000);
        for (int i = 0; i < 20; i++) {
            inspector.completed(record("web", 200, big));
        }
        assertThat(inspector.bytes()).isLessThanOrEqualTo(64 * 1024);
        assertThat(inspector.size()).isBetween(1, 4);
    }

    @Test
    void filtersByServiceAndStatusClassAndIgnoresTheAdminHost() {
        Inspector inspector = new Inspector(100, Long.MAX_VALUE);
        inspector.completed(record("web", 200, "v"));
        inspector.completed(record("web", 502, "v"));
        inspector.completed(record("api", 503, "v"));
        inspector.completed(record("admin", 200, "v"));
        inspector.completed(record("web", 0, "v"));
        assertThat(inspector.recent("web", null, 10)).hasSize(3);
        assertThat(inspector.recent(null, "5xx", 10))
                .extracting(e -> e.exchange().service())
                .containsExactly("api", "web");
        assertThat(inspector.recent(null, "0xx", 10)).hasSize(1);
        assertThat(inspector.recent(null, null, 2)).hasSize(2);
        inspector.clear();
        assertThat(inspector.size()).isZero();
    }
}
