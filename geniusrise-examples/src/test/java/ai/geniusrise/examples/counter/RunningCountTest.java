package ai.geniusrise.examples.counter;

import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.state.InMemoryStateManager;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.core.state.Versioned;
import ai.geniusrise.examples.counter.RunningCount.RunningTotal;
import ai.geniusrise.testkit.TaskHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class RunningCountTest {

    @Test
    void emitsTheRunningTotalOfEachKeyAfterEveryRecordAndKeepsItInState() {
        try (TaskHarness<RunningCount> h = TaskHarness.of(new RunningCount()).open()) {
            h.sendJson(Map.of("user", "alice"), Map.of("user", "bob"), Map.of("user", "alice", "page", "/docs"));

            assertThat(h.emittedAs(RunningTotal.class)).containsExactly(new RunningTotal("alice", 1),
                    new RunningTotal("bob", 1), new RunningTotal("alice", 2));
            assertThat(h.emitted().get(2).keyAsString()).isEqualTo("alice");
            assertThat(h.state().getString("count/alice")).contains("2");
            assertThat(h.state().getString("count/bob")).contains("1");
        }
    }

    @Test
    void theKeyFieldArgumentChoosesWhatIsCounted() {
        try (TaskHarness<RunningCount> h = TaskHarness.of(new RunningCount()).arg("keyField", "page").open()) {
            h.sendJson(Map.of("user", "alice", "page", "/"), Map.of("user", "bob", "page", "/"));

            assertThat(h.emittedAs(RunningTotal.class)).containsExactly(new RunningTotal("/", 1), new RunningTotal("/", 2));
        }
    }

    @Test
    void aNewInstanceContinuesFromTheCountsAnEarlierOneSaved() {
        InMemoryStateManager store = new InMemoryStateManager();
        try (TaskHarness<RunningCount> first = TaskHarness.of(new RunningCount()).stateBackend(store).open()) {
            first.sendJson(Map.of("user", "alice"), Map.of("user", "alice"));
        }
        try (TaskHarness<RunningCount> second = TaskHarness.of(new RunningCount()).stateBackend(store).open()) {
            second.sendJson(Map.of("user", "alice"));

            assertThat(second.emittedAs(RunningTotal.class)).containsExactly(new RunningTotal("alice", 3));
        }
    }

    @Test
    void aWriterThatChangesTheCountBetweenReadAndWriteMakesTheIncrementRetryWithoutLosingEither() {
        InMemoryStateManager store = new InMemoryStateManager();
        try (TaskHarness<RunningCount> h = TaskHarness.of(new RunningCount())
                .stateBackend(new InterferingStateManager(store, "41")).open()) {
            h.sendJson(Map.of("user", "alice"));

            assertThat(h.emittedAs(RunningTotal.class)).as("the other writer's 41, plus ours")
                    .containsExactly(new RunningTotal("alice", 42));
            assertThat(h.metrics().get("running_count_conflicts").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void aRecordWithoutTheKeyFieldGoesToTheErrorPolicyAndCountsNothing() {
        try (TaskHarness<RunningCount> h = TaskHarness.of(new RunningCount()).errors(ErrorPolicy.DEAD_LETTER).open()) {
            h.sendJson(Map.of("page", "/"), Map.of("user", List.of("alice")));

            assertThat(h.emitted()).isEmpty();
            assertThat(h.deadLetters()).hasSize(2).allSatisfy(d -> assertThat(d.reason()).contains("'user'"));
            assertThat(h.state().keys("")).isEmpty();
        }
    }

    /**
     * A store in which another writer stores {@code otherValue} at a key just before this task's first
     * compare-and-set on it: the task's read is then stale.
     */
    private static final class InterferingStateManager implements StateManager {
        private final StateManager delegate;
        private final String otherValue;
        private boolean interfered;

        InterferingStateManager(StateManager delegate, String otherValue) {
            this.delegate = delegate;
            this.otherValue = otherValue;
        }

        @Override
        public Optional<Versioned> get(String key) {
            return delegate.get(key);
        }

        @Override
        public long put(String key, byte[] value, Duration ttl) {
            return delegate.put(key, value, ttl);
        }

        @Override
        public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl) {
            if (!interfered) {
                interfered = true;
                delegate.put(key, otherValue.getBytes(StandardCharsets.UTF_8));
            }
            return delegate.compareAndSet(key, expectedVersion, value, ttl);
        }

        @Override
        public boolean delete(String key) {
            return delegate.delete(key);
        }

        @Override
        public List<String> keys(String prefix) {
            return delegate.keys(prefix);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
