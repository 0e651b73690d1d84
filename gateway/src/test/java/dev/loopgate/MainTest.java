package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The leak detector's setting. Netty read the property when this JVM started (paranoid, for the tests), so changing it
 * here affects only the property, not the detector these tests run under.
 */
class MainTest {
    private final String before = System.getProperty(Main.LEAK_DETECTION);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(Main.LEAK_DETECTION);
        } else {
            System.setProperty(Main.LEAK_DETECTION, before);
        }
    }

    @Test
    void theLeakDetectorIsOffWhenNobodyAskedForIt() {
        System.clearProperty(Main.LEAK_DETECTION);
        Main.leakDetectorOffUnlessAsked();
        assertThat(System.getProperty(Main.LEAK_DETECTION)).isEqualTo("disabled");
    }

    @Test
    void aLevelSomebodyChoseIsKept() {
        System.setProperty(Main.LEAK_DETECTION, "advanced");
        Main.leakDetectorOffUnlessAsked();
        assertThat(System.getProperty(Main.LEAK_DETECTION)).isEqualTo("advanced");
    }
}
