package dev.loopgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which pages may use the dashboard's session: the admin host itself, over http or https, on this gateway's ports. */
class OriginsTest {
    private static final String ADMIN = "loopgate.localhost";

    @Test
    void theDashboardOverHttpsMayChangeStateOnlyFromTheHttpsPort() {
        assertThat(Origins.isAdmin("https://loopgate.localhost:8443", ADMIN, 8080, 8443))
                .isTrue();
        assertThat(Origins.isAdmin("https://loopgate.localhost", ADMIN, 80, 443))
                .isTrue();
        assertThat(Origins.isAdmin("http://loopgate.localhost:8080", ADMIN, 8080, 8443))
                .isTrue();
        assertThat(Origins.isAdmin("https://loopgate.localhost:8080", ADMIN, 8080, 8443))
                .isFalse();
        assertThat(Origins.isAdmin("https://loopgate.localhost:8443", ADMIN, 8080, 0))
                .as("HTTPS off")
                .isFalse();
        assertThat(Origins.isAdmin("https://web.localhost:8443", ADMIN, 8080, 8443))
                .isFalse();
    }

    @Test
    void localOriginsIncludeHttpsPages() {
        assertThat(Origins.isLocal("https://loopgate.localhost:8443", ADMIN)).isTrue();
        assertThat(Origins.isLocal("https://127.0.0.1:8443", ADMIN)).isTrue();
        assertThat(Origins.isLocal("https://evil.example", ADMIN)).isFalse();
        assertThat(Origins.isLocal("file://loopgate.localhost", ADMIN)).isFalse();
    }
}
