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
        StoreProperties p = new StoreProperties(new StateConfig("redis", Map.of("maxAttempts", "9")));
        RetryPolicy read = RetryPolicy.from(p);
        assertThat(read.maxAttempts()).isEqualTo(9);
        assertThat(read).hasToString("RetryPolicy{maxAttempts=9, initialBackoff=50ms, maxBackoff=2000ms}");
    }

    @Test
    void acceptsDurationsWithUnitsBareMillisecondsAndIso8601() {
        StoreProperties p = new StoreProperties(new StateConfig("redis", Map.of("a", "250ms", "b", "3s", "c", "2m",
                "d", "1500", "e", "PT1H")));
        assertThat(p.duration("a", null)).isEqualTo(Duration.ofMillis(250));
        assertThat(p.duration("b", null)).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.duration("c", null)).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.duration("d", null)).isEqualTo(Duration.ofMillis(1500));
        assertThat(p.duration("e", null)).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> new StoreProperties(new StateConfig("redis", Map.of("t", "0s"))).duration("t", null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stateConfig.t")
                .hasMessageContaining("positive duration");
    }
}
