package ai.geniusrise.state.redis;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateException;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.state.RestartDrill;
import ai.geniusrise.testkit.redis.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a Redis state manager does when its server goes away mid-run and comes back. */
@Timeout(60)
class RedisStateManagerRecoveryTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.embedded();

    @Test
    void everyWriteReportedDoneSurvivesAServerRestartAndTheSameManagerRecovers() throws Exception {
        // retries span about 4 s: longer than the outage below, so most writes in it succeed late
        try (StateManager state = StateManager.open(new StateConfig("redis", Map.of("url", REDIS.url(),
                "keyPrefix", "recovery:", "timeout", "500ms", "maxAttempts", "30",
                "initialBackoff", "20ms", "maxBackoff", "200ms")))) {
            RestartDrill.run(state, REDIS::stop, REDIS::start, 200, Duration.ofMillis(1000), Duration.ofMillis(500));
        }
    }

    @Test
    void aWriteThatOutlastsTheRetriesFailsAndTheSameManagerWorksOnceTheServerIsBack() {
        try (StateManager state = StateManager.open(new StateConfig("redis", Map.of("url", REDIS.url(), "keyPrefix", "outlast:", "timeout", "200ms", "maxAttempts", "3",
                "initialBackoff", "10ms", "maxBackoff", "20ms")))) {
            state.putString("before", "1");
            REDIS.stop();
            try {
                assertThatThrownBy(() -> state.putString("during", "2")).isInstanceOf(StateException.class)
                        .hasMessageContaining("put 'during' (after 3 attempts)");
            } finally {
                REDIS.start();
            }
            assertThat(state.putString("after", "3")).isPositive();
            assertThat(state.getString("before")).contains("1");
            assertThat(state.getString("after")).contains("3");
        }
    }

    @Test
    void failsWithAnErrorNamingTheStoreAndTheOperationWhenTheServerStaysDown() {
        int port = freePort();
        try (StateManager state = StateManager.open(new StateConfig("redis", Map.of(
                "url", "redis://127.0.0.1:" + port + "/3", "timeout", "200ms", "maxAttempts", "3",
                "initialBackoff", "10ms", "maxBackoff", "20ms")))) {
            assertThatThrownBy(() -> state.put("x", "v".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining("redis://127.0.0.1:" + port + "/3")
                    .hasMessageContaining("put 'x'")
                    .hasMessageContaining("after 3 attempts");
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
