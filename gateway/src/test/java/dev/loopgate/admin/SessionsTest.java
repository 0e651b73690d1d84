package dev.loopgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionsTest {
    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final Sessions sessions = new Sessions(clock);

    @Test
    void aCodeExpiresUnusedAfterItsLifetime() {
        String code = sessions.newLoginCode();
        clock.advance(Sessions.CODE_LIFETIME.plusSeconds(1));
        assertThat(sessions.redeem(code)).isNull();
    }

    @Test
    void aSessionLastsItsLifetimeAndNoLonger() {
        String session = sessions.redeem(sessions.newLoginCode());
        String cookie = "theme=dark; " + Sessions.COOKIE + "=" + session;
        assertThat(sessions.isSignedIn(cookie)).isTrue();
        clock.advance(Sessions.SESSION_LIFETIME.minus(Duration.ofMinutes(1)));
        assertThat(sessions.isSignedIn(cookie)).isTrue();
        clock.advance(Duration.ofMinutes(2));
        assertThat(sessions.isSignedIn(cookie)).isFalse();
    }

    @Test
    void onlyTheNewestCodesAreKept() {
        String oldest = sessions.newLoginCode();
        for (int i = 0; i < 40; i++) {
            sessions.newLoginCode();
        }
        assertThat(sessions.redeem(oldest)).isNull();
        assertThat(sessions.redeem(sessions.newLoginCode())).isNotNull();
    }

    @Test
    void cookieValuesAreFoundAmongOthers() {
        assertThat(Sessions.cookieValue("a=1; loopgate_session=xyz; b=2")).isEqualTo("xyz");
        assertThat(Sessions.cookieValue("loopgate_session=")).isNull();
        assertThat(Sessions.cookieValue("other_loopgate_session=xyz")).isNull();
        assertThat(Sessions.cookieValue(null)).isNull();
    }
}
