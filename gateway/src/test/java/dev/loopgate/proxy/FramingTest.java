package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.RawClient;
import dev.loopgate.testing.TestBackend;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of HTTP-BAR's framing table: the status, a closed connection, and nothing complete at the backend. */
class FramingTest {
    private static final String H = "Host: web.localhost\r\n";
    private static TestBackend backend;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.http(TestBackend.text("ok"));
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                row(
                        "CL and TE together",
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400),
                row(
                        "TE chunked, identity",
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
                        400),
                row(
                        "TE gzip, chunked",
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                        501),
                row("TE xchunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400),
                row("TE ,chunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n", 400),
                row(
                        "TE chunked twice",
                        "POST / HTTP/1.1\r\n" + H
                                + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400),
                row(
                        "two Content-Lengths",
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                        400),
                row("CL 5, 5", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5, 5\r\n\r\nhello", 400),
                row("CL +5", "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello", 400),
                row("CL 0x5", "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x5\r\n\r\nhello", 400),
                row("CL empty", "POST / HTTP/1.1\r\n" + H + "Content-Length: \r\n\r\nhello", 400),
                row(
                        "CL overflowing",
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 99999999999999999999\r\n\r\nhello",
                        400),
                row("CL 1Z", "POST / HTTP/1.1\r\n" + H + "Content-Length: 1Z\r\n\r\nhello", 400),
                row("space before colon", "GET / HTTP/1.1\r\n" + H + "X-A : 1\r\n\r\n", 400),
                row("first header line starts with space", "GET / HTTP/1.1\r\n X-A: 1\r\n" + H + "\r\n", 400),
                row("obs-fold", "GET / HTTP/1.1\r\n" + H + "X-A: 1\r\n  continued\r\n\r\n", 400),
                row("bare CR in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\rb\r\n\r\n", 400),
                row("NUL in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\0b\r\n\r\n", 400),
                row("control char in name", "GET / HTTP/1.1\r\n" + H + "X\u0001A: 1\r\n\r\n", 400),
                row("bare LF line ending", "GET / HTTP/1.1\n" + H + "\r\n", 400),
                row("bare LF in headers", "GET / HTTP/1.1\r\n" + H + "X-A: 1\n\r\n", 400),
                row("header without colon", "GET / HTTP/1.1\r\n" + H + "NoColonHere\r\n\r\n", 400),
                row(
                        "chunk size 0x5",
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
                        400),
                row(
                        "chunk size +5",
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n",
                        400),
                row(
                        "chunk size leading space",
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n",
                        400),
                row(
                        "chunk size empty",
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n",
                        400),
                row(
                        "chunk size overflowing",
                        "POST / HTTP/1.1\r\n" + H
                                + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\nhello\r\n0\r\n\r\n",
                        400),
                row(
                        "chunk data without CRLF",
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
                        400),
                row(
                        "bare LF in chunk line",
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
                        400),
                row(
                        "huge chunk extension",
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5;" + "a".repeat(70_000)
                                + "\r\nhello\r\n0\r\n\r\n",
                        400),
                row("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400),
                row("two Host headers", "GET / HTTP/1.1\r\n" + H + "Host: other.localhost\r\n\r\n", 400),
                row(
                        "HTTP/1.0 with Transfer-Encoding",
                        "POST / HTTP/1.0\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400),
                row("space inside target", "GET /a b HTTP/1.1\r\n" + H + "\r\n", 400),
                // RFC 9112 §2.3: HTTP-version is "HTTP/" DIGIT "." DIGIT, so 1.32 is malformed rather than unsupported.
                row("HTTP/1.32", "GET / HTTP/1.32\r\n" + H + "\r\n", 400),
                row("HTTP/2.0 on the text port", "GET / HTTP/2.0\r\n" + H + "\r\n", 505),
                row("request line too long", "GET /" + "a".repeat(17 * 1024) + " HTTP/1.1\r\n" + H + "\r\n", 414),
                row(
                        "headers too large",
                        "GET / HTTP/1.1\r\n" + H + "Cookie: " + "c".repeat(70 * 1024) + "\r\n\r\n",
                        431),
                row("CONNECT", "CONNECT web.localhost:443 HTTP/1.1\r\n" + H + "\r\n", 405),
                // RFC 9112 §2.3: the version is case-sensitive; Netty would upper-case it.
                row("lower-case version", "GET / http/1.1\r\n" + H + "\r\n", 400),
                // RFC 9112 §3.2: no control characters in the target (they would reach the backend and the log).
                row("NUL in the target", "GET /a\u0000b HTTP/1.1\r\n" + H + "\r\n", 400),
                row("0x01 in the target", "GET /a\u0001b HTTP/1.1\r\n" + H + "\r\n", 400),
                row("ESC in the target", "GET /\u001b[31mred HTTP/1.1\r\n" + H + "\r\n", 400),
                row("DEL in the target", "GET /a\u007fb HTTP/1.1\r\n" + H + "\r\n", 400),
                row("unknown target form", "GET web.localhost/x HTTP/1.1\r\n" + H + "\r\n", 400));
    }

    private static Arguments row(String name, String request, int status) {
        return Arguments.of(name, request, status);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("malformed")
    void malformedRequestsGetTheirStatusAndAClosedConnection(String name, String request, int status) throws Exception {
        int before = backend.requests.size();
        try (RawClient c = new RawClient(gateway.port())) {
            c.send(request);
            String response = c.readUntilClosed();
            assertThat(response).as(name).startsWith("HTTP/1.1 " + status + " ");
            assertThat(response.toLowerCase()).as(name).contains("connection: close");
        }
        assertThat(backend.requests.size())
                .as("requests that reached the backend")
                .isEqualTo(before);
    }

    @Test
    void aValidRequestStillWorksAfterAllThat() throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET / HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n");
            assertThat(c.readUntilClosed()).startsWith("HTTP/1.1 200").endsWith("ok");
        }
    }
}
