package ai.geniusrise.testkit;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.state.InMemoryStateManager;
import ai.geniusrise.core.state.StateManager;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskHarnessBoltTest {

    @Test
    void sendHandsEachStringToProcessAndCollectsWhatIsEmitted() {
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open()) {
            h.send("the cat", "the dog");
            assertThat(h.emittedValues()).containsExactly("THE CAT", "THE DOG");
            assertThat(h.emitted()).containsExactly(Record.of("THE CAT"), Record.of("THE DOG"));
        }
    }

    @Test
    void sentRecordsKeepTheirKeyHeadersAndTimestamp() {
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open()) {
            h.send(Record.of("k1", "a").withHeader("h", "1").withTimestamp(5));
            Record out = h.emitted().get(0);
            assertThat(out.keyAsString()).isEqualTo("k1");
            assertThat(out.header("h")).contains("1");
            assertThat(out.timestamp()).isEqualTo(5);
            assertThat(out.valueAsString()).isEqualTo("A");
        }
    }

    @Test
    void inputRecordsWithoutPositionGetHarnessPositionsNumberedFromOne() {
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open()) {
            h.send("a", "b").send(Record.of("c"));
            assertThat(h.emitted()).extracting(Record::position).containsExactly(
                    Position.inObject("harness", "input", 1),
                    Position.inObject("harness", "input", 2),
                    Position.inObject("harness", "input", 3));
            assertThat(h.emitted().get(2).position()).hasToString("input:3");
        }
    }

    @Test
    void inputRecordsThatHaveAPositionKeepItAndStillAdvanceTheSequence() {
        Position inTopic = Position.inTopic("clicks", 2, 41);
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open()) {
            h.send(Record.of("a").withPosition(inTopic), Record.of("b"));
            assertThat(h.emitted()).extracting(Record::position)
                    .containsExactly(inTopic, Position.inObject("harness", "input", 2));
        }
    }

    @Test
    void sendAllTakesAnyIterable() {
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open()) {
            h.sendAll(List.of(Record.of("x"), Record.of("y")));
            assertThat(h.emittedValues()).containsExactly("X", "Y");
        }
    }

    @Test
    void sendJsonEncodesValuesAndEmittedAsBindsTheOutput() {
        try (TaskHarness<PoisonBolt> h = TaskHarness.of(new PoisonBolt()).open()) {
            h.sendJson(new PoisonBolt.Reading("Oslo", 10), Map.of("city", "Rome", "celsius", 30));
            assertThat(h.emittedAs(PoisonBolt.Fahrenheit.class)).containsExactly(
                    new PoisonBolt.Fahrenheit("Oslo", 50), new PoisonBolt.Fahrenheit("Rome", 86));
        }
    }

    @Test
    void flushCallsTheBoltsFlushAndCollectsWhatItEmits() {
        try (TaskHarness<WordCountBolt> h = TaskHarness.of(new WordCountBolt()).open()) {
            h.send("the cat", "the dog");
            assertThat(h.emitted()).isEmpty();
            h.flush();
            assertThat(h.emittedValues()).containsExactly("the=2", "cat=1", "dog=1", "total=4");
        }
    }

    @Test
    void argsReachTheTask() {
        try (TaskHarness<WordCountBolt> h = TaskHarness.of(new WordCountBolt()).args(Map.of("minLength", 4))
                .open()) {
            h.send("the cats and dogs").flush();
            assertThat(h.emittedValues()).containsExactly("cats=1", "dogs=1", "total=2");
        }
    }

    @Test
    void stateWrittenByTheTaskIsVisibleThroughStateAndNamespacedInTheBackend() {
        InMemoryStateManager backend = new InMemoryStateManager();
        try (TaskHarness<WordCountBolt> h = TaskHarness.of(new WordCountBolt()).stateBackend(backend).open()) {
            h.send("a b c").flush();
            assertThat(h.state().getString("total")).contains("3");
            assertThat(h.context().state()).isSameAs(h.state());
            assertThat(backend.keys("")).containsExactly("test/word-count-bolt/total");
        }
    }

    @Test
    void aSecondHarnessOnTheSameBackendRestoresWhatTheFirstSaved() {
        StateManager backend = new InMemoryStateManager();
        try (TaskHarness<WordCountBolt> first = TaskHarness.of(new WordCountBolt()).stateBackend(backend).open()) {
            first.send("a b c").flush();
        }
        try (TaskHarness<WordCountBolt> second = TaskHarness.of(new WordCountBolt()).stateBackend(backend).open()) {
            second.send("d").flush();
            assertThat(second.emittedValues()).containsExactly("d=1", "total=4");
        }
    }

    @Test
    void stateCanBePreparedBeforeTheTaskRuns() {
        StateManager backend = new InMemoryStateManager();
        backend.namespaced("test/word-count-bolt/").putString("total", "100");
        try (TaskHarness<WordCountBolt> h = TaskHarness.of(new WordCountBolt()).stateBackend(backend).open()) {
            h.send("x").flush();
            assertThat(h.emittedValues()).endsWith("total=101");
        }
    }

    @Test
    void metricsRecordedByTheTaskAreInTheHarnessRegistry() {
        try (TaskHarness<WordCountBolt> h = TaskHarness.of(new WordCountBolt()).open()) {
            h.send("one two three");
            assertThat(h.metrics().get("words").counter().count()).isEqualTo(3.0);
            assertThat(h.metrics().get("words").tags("pipeline", "test", "task", "word-count-bolt").counter())
                    .isNotNull();
        }
    }

    @Test
    void theTaskSeesTheManualClockAndAdvanceClockMovesIt() {
        try (TaskHarness<WordCountBolt> h = TaskHarness.of(new WordCountBolt()).open()) {
            assertThat(h.context().clock().instant()).isEqualTo(ManualClock.DEFAULT_START);
            h.advanceClock(Duration.ofMinutes(5)).send("a").flush();
            assertThat(h.emitted().get(0).timestamp())
                    .isEqualTo(ManualClock.DEFAULT_START.plus(Duration.ofMinutes(5)).toEpochMilli());
        }
    }

    @Test
    void stateTimeToLiveFollowsTheHarnessClock() {
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open()) {
            h.state().put("session", new byte[] {1}, Duration.ofMinutes(5));
            h.advanceClock(Duration.ofMinutes(4));
            assertThat(h.state().get("session")).isPresent();
            h.advanceClock(Duration.ofMinutes(1));
            assertThat(h.state().get("session")).isEmpty();
        }
    }

    @Test
    void aGivenClockIsTheOneTheTaskSees() {
        ManualClock clock = new ManualClock(Instant.parse("2030-05-01T12:00:00Z"));
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).clock(clock).open()) {
            assertThat(h.clock()).isSameAs(clock);
            assertThat(h.context().clock().instant()).isEqualTo(Instant.parse("2030-05-01T12:00:00Z"));
        }
    }

    @Test
    void clearOutputsForgetsEmittedRecordsDeadLettersAndSkipsButKeepsTheSequence() {
        try (TaskHarness<PoisonBolt> h = TaskHarness.of(new PoisonBolt())
                .errors(ai.geniusrise.core.ErrorPolicy.SKIP).open()) {
            h.send("a", "bad", "poison");
            h.clearOutputs();
            assertThat(h.emitted()).isEmpty();
            assertThat(h.deadLetters()).isEmpty();
            assertThat(h.skipped()).isZero();
            h.send("b");
            assertThat(h.emitted()).extracting(Record::position)
                    .containsExactly(Position.inObject("harness", "input", 4));
        }
    }

    @Test
    void emittedIsASnapshotThatLaterOutputDoesNotChange() {
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open()) {
            h.send("a");
            List<Record> before = h.emitted();
            h.send("b");
            assertThat(before).hasSize(1);
            assertThatThrownBy(() -> before.add(Record.of("x"))).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void closeCallsTheTasksCloseOnceEvenWhenCalledTwice() {
        UppercaseBolt bolt = new UppercaseBolt();
        TaskHarness<UppercaseBolt> h = TaskHarness.of(bolt).open();
        h.close();
        h.close();
        assertThat(bolt.closed).isEqualTo(1);
        assertThat(h.context().stopRequested()).isTrue();
    }

    @Test
    void sendAfterCloseIsRejected() {
        TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open();
        h.close();
        assertThatThrownBy(() -> h.send("a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void outputStaysReadableAfterClose() {
        TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open();
        h.send("a");
        h.close();
        assertThat(h.emittedValues()).containsExactly("A");
    }

    @Test
    void spoutOperationsOnABoltAreRejectedWithAHint() {
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open()) {
            assertThatThrownBy(h::produce).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is a bolt").hasMessageContaining("send(...) and flush()");
            assertThatThrownBy(() -> h.produceUntil(1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> h.produceFor(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anEmitterUsedAfterItsCallReturnedIsRejected() {
        AtomicReference<Emitter> kept = new AtomicReference<>();
        Bolt leaky = new Bolt() {
            @Override
            protected void process(Record in, Emitter out) {
                kept.set(out);
            }
        };
        try (TaskHarness<Bolt> h = TaskHarness.of(leaky).open()) {
            h.send("a");
            assertThatThrownBy(() -> kept.get().emit(Record.of("late"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("process(input:1)").hasMessageContaining("after that call returned");
        }
    }

    @Test
    void anEmitterUsedFromAnotherThreadIsRejected() {
        Bolt async = new Bolt() {
            @Override
            protected void process(Record in, Emitter out) throws Exception {
                AtomicReference<Throwable> error = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try {
                        out.emit(in);
                    } catch (Throwable e) {
                        error.set(e);
                    }
                }, "other");
                t.start();
                t.join();
                throw (Exception) error.get();
            }
        };
        try (TaskHarness<Bolt> h = TaskHarness.of(async).open()) {
            assertThatThrownBy(() -> h.send("a")).isInstanceOf(HarnessFailure.class)
                    .cause().isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("from thread 'other'");
        }
    }
}
