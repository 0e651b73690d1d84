package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a client sent reaches the log, and through it a terminal, only as printable text. */
class AccessLogTest {
    @Test
    void controlAndNonAsciiCharactersAreEscaped() {
        assertThat(AccessLog.printable("/plain/path?x=1")).isEqualTo("/plain/path?x=1");
        assertThat(AccessLog.printable("/\u001b[31mred\u0007")).isEqualTo("/\\x1b[31mred\\x07");
        assertThat(AccessLog.printable("/caf\u00e9\u007f")).isEqualTo("/caf\\xe9\\x7f");
        assertThat(AccessLog.printable("/a\\x41"))
                .as("a backslash is escaped too, so escapes cannot be forged")
                .isEqualTo("/a\\x5cx41");
        assertThat(AccessLog.printable("/\u2603")).isEqualTo("/\\u2603");
    }
}
