package ai.geniusrise.state.postgres;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateException;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.testkit.postgres.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a PostgreSQL state manager does when its server goes away mid-run and comes back. */
@Timeout(90)
class PostgresStateManagerRecoveryTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.embedded();

    @Test
    void everyWriteReportedDoneSurvivesAServerRestartAndTheSameManagerRecovers() throws Exception {
        // retries span about 10 s: longer than the outage below (a restart takes 1-3 s here)
        try (StateManager state = StateManager.open(new StateConfig("postgres", POSTGRES.properties(
                "table", "recovery", "timeout", "1s", "maxAttempts", "40",
                "initialBackoff", "20ms", "maxBackoff", "250ms", "poolSize", "4")))) {
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
            waitFor(() -> done.size() >= 100);
            POSTGRES.stop();
            int doneAtStop = done.size();
            Thread.sleep(500);
            POSTGRES.start();
            waitFor(() -> done.size() >= doneAtStop + 100);
            running.set(false);
            writer.join(20_000);

            System.out.printf("writes done: %d (%d before the stop), failed: %d, slowest done: %d ms%n",
                    done.size(), doneAtStop, failed.get(), slowest.get() / 1_000_000);
            assertThat(failed.get() > 0 || slowest.get() > 400_000_000L)
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
        try (StateManager state = StateManager.open(new StateConfig("postgres", POSTGRES.properties("table", "outlast", "timeout", "250ms", "maxAttempts", "3",
                "initialBackoff", "10ms", "maxBackoff", "20ms")))) {
            state.putString("before", "1");
            POSTGRES.stop();
            try {
                assertThatThrownBy(() -> state.putString("during", "2")).isInstanceOf(StateException.class)
                        .hasMessageContaining("put 'during' (after 3 attempts)");
            } finally {
                POSTGRES.start();
            }
            assertThat(state.putString("after", "3")).isPositive();
            assertThat(state.getString("before")).contains("1");
            assertThat(state.getString("after")).contains("3");
        }
    }

    @Test
    void failsWithAnErrorNamingTheStoreAndTheOperationWhenTheServerStaysDown() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (StateManager state = StateManager.open(new StateConfig("postgres", Map.of(
                "url", "jdbc:postgresql://127.0.0.1:" + port + "/app", "timeout", "250ms", "maxAttempts", "2",
                "initialBackoff", "10ms", "maxBackoff", "20ms")))) {
            assertThatThrownBy(() -> state.put("x", "v".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining("postgresql://127.0.0.1:" + port + "/app")
                    .hasMessageContaining("put 'x'")
                    .hasMessageContaining("after 2 attempts");
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited 40 s").isNegative();
            Thread.sleep(10);
        }
    }
}
