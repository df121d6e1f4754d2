package ai.geniusrise.state;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5));

    @Test
    void retriesATransientFailureUntilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        String result = policy.call("store://x", "put 'k'", e -> e instanceof IOException, attempt -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("connection reset");
            }
            return "done on attempt " + attempt;
        });
        assertThat(result).isEqualTo("done on attempt 3");
    }

    @Test
    void givesUpAfterMaxAttemptsWithAnErrorNamingStoreOperationAndCause() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> policy.call("store://x", "put 'k'", e -> true, attempt -> {
            calls.incrementAndGet();
            throw new IOException("connection refused");
        })).isInstanceOf(StateException.class)
                .hasMessage("store://x: put 'k' (after 4 attempts) failed: connection refused")
                .hasCauseInstanceOf(IOException.class);
        assertThat(calls).hasValue(4);
    }

    @Test
    void doesNotRetryAFailureThatIsNotTransient() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> policy.call("store://x", "get 'k'", e -> false, attempt -> {
            calls.incrementAndGet();
            throw new IllegalStateException("WRONGTYPE");
        })).isInstanceOf(StateException.class).hasMessage("store://x: get 'k' failed: WRONGTYPE");
        assertThat(calls).hasValue(1);
    }

    @Test
    void stopsRetryingWhenInterruptedAndKeepsTheInterruptFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> policy.call("store://x", "put 'k'", e -> true, attempt -> {
                throw new IOException("timeout");
            })).isInstanceOf(StateException.class).hasMessageContaining("interrupted while retrying");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void isReadFromStateConfigPropertiesWithDefaults() {
        RetryPolicy read = RetryPolicy.from(RetryPolicy.SETTINGS.parse(Map.of("maxAttempts", "9"), "stateConfig."));
        assertThat(read.maxAttempts()).isEqualTo(9);
        assertThat(read).hasToString("RetryPolicy{maxAttempts=9, initialBackoff=50ms, maxBackoff=2000ms}");
    }

    @Test
    void readsDurationsInThePipelineGrammarAndRefusesABareNumber() {
        RetryPolicy read = RetryPolicy.from(RetryPolicy.SETTINGS.parse(
                Map.of("initialBackoff", "250ms", "maxBackoff", "1m30s"), "stateConfig."));
        assertThat(read).hasToString("RetryPolicy{maxAttempts=6, initialBackoff=250ms, maxBackoff=90000ms}");
        assertThatThrownBy(() -> RetryPolicy.SETTINGS.parse(Map.of("initialBackoff", "1500"), "stateConfig."))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stateConfig.initialBackoff")
                .hasMessageContaining("a bare number has no unit; write 1500ms or 1500s");
        assertThatThrownBy(() -> RetryPolicy.SETTINGS.parse(Map.of("maxBackoff", "0s"), "stateConfig."))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stateConfig.maxBackoff")
                .hasMessageContaining("positive duration");
        assertThatThrownBy(() -> RetryPolicy.SETTINGS.parse(Map.of("initialBackoff", "5s", "maxBackoff", "1s"),
                "stateConfig.")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stateConfig.maxBackoff: expected at least initialBackoff (5000ms)");
    }
}
