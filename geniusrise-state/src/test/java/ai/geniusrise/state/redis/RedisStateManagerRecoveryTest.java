package ai.geniusrise.state.redis;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateException;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.testkit.redis.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
            Set<Integer> done = ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            AtomicLong slowest = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                for (int i = 0; running.get(); i++) {
                    long start = System.nanoTime();
                    try {
                        state.putString("w/" + i, "value " + i);
                        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                        done.add(i);
                    } catch (StateException e) {
                        failed.incrementAndGet();
                    }
                }
            }, "recovery-writer");
            writer.start();
            waitFor(() -> done.size() >= 200);
            REDIS.stop();
            int doneAtStop = done.size();
            Thread.sleep(1000);
            REDIS.start();
            waitFor(() -> done.size() >= doneAtStop + 200);
            running.set(false);
            writer.join(10_000);

            System.out.printf("writes done: %d (%d before the stop), failed: %d, slowest done: %d ms%n",
                    done.size(), doneAtStop, failed.get(), slowest.get() / 1_000_000);
            assertThat(failed.get() > 0 || slowest.get() > 500_000_000L)
                    .as("the outage hit the writer: a write failed or was retried across it").isTrue();
            for (int i : done) {
                assertThat(state.getString("w/" + i)).as("write %d, reported done", i).contains("value " + i);
            }
            assertThat(state.keys("w/")).hasSizeGreaterThanOrEqualTo(done.size());
            assertThat(state.putString("after", "restart")).isPositive();
            assertThat(state.getString("after")).contains("restart");
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

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited 30 s").isNegative();
            Thread.sleep(10);
        }
    }
}
