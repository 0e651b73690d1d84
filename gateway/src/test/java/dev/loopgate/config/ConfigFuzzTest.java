package dev.loopgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any text as a config file: it is a valid configuration or a {@link ConfigException} whose every problem names the
 * file — never another exception, which would take the watcher (or the start) down with a stack trace.
 */
class ConfigFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void yaml(byte[] bytes) {
        if (bytes == null) {
            return;
        }
        // Raw bytes (not a String parameter) so that the committed corpus files are plain YAML.
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        try {
            GatewayConfig config = ConfigLoader.parse(text, "fuzz.yaml");
            assertThat(config.services()).isNotNull();
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p.source())
                    .isEqualTo("fuzz.yaml"));
        }
    }
}
