package dev.loopgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loopgate.Json;
import dev.loopgate.registry.RegistryException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** In the container image the Compose network is "this machine": names are allowed, metadata endpoints never. */
class ContainerRegistrationTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private static dev.loopgate.registry.Registration parse(String url, boolean container) throws Exception {
        return RegistrationRequest.parse(
                "hello",
                "hello-1",
                Json.mapper().readTree("{\"url\": \"" + url + "\"}"),
                "loopgate.localhost",
                NOW,
                container);
    }

    @Test
    void aComposeServiceNameIsAcceptedOnlyInContainerMode() throws Exception {
        assertThat(parse("http://hello:8000", true).url().toString()).isEqualTo("http://hello:8000");
        assertThat(parse("http://172.18.0.5:8000", true).url().host()).isEqualTo("172.18.0.5");
        assertThatThrownBy(() -> parse("http://hello:8000", false))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("not a loopback address");
    }

    @Test
    void composeNamesThatLookLikeHexAreNamesNotAddresses() throws Exception {
        for (String name : new String[] {"db", "cafe", "bff", "dead", "a1"}) {
            assertThat(parse("http://" + name + ":8000", true).url().host()).isEqualTo(name);
            assertThatThrownBy(() -> parse("http://" + name + ":8000", false))
                    .as("%s is a name, so outside a container it is not known to be loopback", name)
                    .hasMessageContaining("not a loopback address");
        }
        assertThat(RegistrationRequest.isLoopback("::1")).isTrue();
        assertThat(RegistrationRequest.isLoopback("127.0.0.9")).isTrue();
    }

    @Test
    void linkLocalAndUnspecifiedAddressesAreRefusedEverywhere() {
        for (String url : new String[] {"http://169.254.169.254:80", "http://0.0.0.0:8000", "http://[fe80::1]:80"}) {
            assertThatThrownBy(() -> parse(url, true))
                    .as(url)
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("link-local or unspecified");
        }
    }
}
