package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.config.BackendUrl;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a backend URL is dialled: literals as they are, names (even ones that look like hex) left to the resolver. */
class BackendAddressesTest {
    @ParameterizedTest
    @ValueSource(strings = {"db", "cafe", "bff", "dead", "beef", "ab12", "a.b", "host.docker.internal"})
    void namesThatLookLikeHexAreLeftForTheNonBlockingResolver(String name) {
        List<InetSocketAddress> addrs = BackendConnector.addresses(new BackendUrl(name, 8080), false);
        assertThat(addrs).singleElement().satisfies(a -> {
            assertThat(a.isUnresolved())
                    .as(name + " must not be looked up here")
                    .isTrue();
            assertThat(a.getHostString()).isEqualTo(name);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "127.0.0.2", "fe80::1"})
    void literalsAreDialledAsTheyAre(String literal) {
        List<InetSocketAddress> addrs = BackendConnector.addresses(new BackendUrl(literal, 8080), false);
        assertThat(addrs).singleElement().satisfies(a -> assertThat(a.isUnresolved())
                .isFalse());
    }

    @org.junit.jupiter.api.Test
    void localhostIsBothLoopbackAddresses() {
        assertThat(BackendConnector.addresses(BackendUrl.localhost(5173), false))
                .extracting(a -> a.getAddress().getHostAddress())
                .containsExactly("127.0.0.1", "0:0:0:0:0:0:0:1");
    }
}
