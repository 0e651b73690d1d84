package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExchangePhaseTest {
    @Test
    void onceTheResponseStartedTheExchangeCanOnlyEnd() {
        // A replay or failover after bytes went to the client would splice two responses together.
        for (ExchangePhase next : ExchangePhase.values()) {
            assertThat(ExchangePhase.RESPONDING.canMoveTo(next))
                    .as("RESPONDING -> " + next)
                    .isEqualTo(next == ExchangePhase.DONE);
            assertThat(ExchangePhase.SWITCHING.canMoveTo(next))
                    .as("SWITCHING -> " + next)
                    .isEqualTo(next == ExchangePhase.DONE);
        }
    }

    @Test
    void aStaleConnectionMayBeReplacedOnlyBeforeAnyResponse() {
        assertThat(ExchangePhase.AWAITING_RESPONSE.canMoveTo(ExchangePhase.CONNECTING))
                .isTrue();
        assertThat(ExchangePhase.INFORMATIONAL.canMoveTo(ExchangePhase.CONNECTING))
                .isFalse();
        assertThat(ExchangePhase.WAITING.canMoveTo(ExchangePhase.AWAITING_RESPONSE))
                .isFalse();
    }

    @Test
    void nothingLeavesDone() {
        for (ExchangePhase next : ExchangePhase.values()) {
            assertThat(ExchangePhase.DONE.canMoveTo(next)).isEqualTo(next == ExchangePhase.DONE);
        }
    }

    @Test
    void theResponseTimerAppliesFromSendingUntilTheFinalHead() {
        assertThat(ExchangePhase.values())
                .filteredOn(ExchangePhase::awaitingFinalResponse)
                .containsExactly(ExchangePhase.AWAITING_RESPONSE, ExchangePhase.INFORMATIONAL);
    }
}
