package ai.geniusrise.testkit;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.TaskContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TaskHarnessErrorPolicyTest {

    @Test
    void failIsTheDefaultAndThrowsAHarnessFailureNamingTaskPositionAndCause() {
        try (TaskHarness<PoisonBolt> h = TaskHarness.of(new PoisonBolt()).open()) {
            h.send("ok");
            HarnessFailure f = catchThrowableOfType(HarnessFailure.class, () -> h.send("poison"));
            assertThat(f.taskName()).isEqualTo("poison-bolt");
            assertThat(f.position()).isEqualTo(Position.inObject("harness", "input", 2));
            assertThat(f.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("poison");
            assertThat(f).hasMessage("task 'poison-bolt' failed on the record at input:2: IllegalStateException: "
                    + "poison (error policy: fail; set errors: skip or errors: dead-letter to go on past bad records)");
            assertThat(h.emittedValues()).containsExactly("ok");
        }
    }

    @Test
    void afterAFailureTheHarnessRefusesFurtherInputAndRequestsStop() {
        try (TaskHarness<PoisonBolt> h = TaskHarness.of(new PoisonBolt()).errors(ErrorPolicy.FAIL).open()) {
            assertThatThrownBy(() -> h.send("poison")).isInstanceOf(HarnessFailure.class);
            assertThat(h.context().stopRequested()).isTrue();
            assertThatThrownBy(() -> h.send("ok")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already failed").hasCauseInstanceOf(HarnessFailure.class);
            assertThatThrownBy(h::flush).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void skipCountsTheFailedRecordAndGoesOn() {
        try (TaskHarness<PoisonBolt> h = TaskHarness.of(new PoisonBolt()).errors(ErrorPolicy.SKIP).open()) {
            h.send("a", "poison", "b", "poison");
            assertThat(h.skipped()).isEqualTo(2);
            assertThat(h.emittedValues()).containsExactly("a", "b");
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void deadLetterKeepsTheInputRecordWithItsPositionTheReasonAndTheError() {
        try (TaskHarness<PoisonBolt> h = TaskHarness.of(new PoisonBolt()).errors(ErrorPolicy.DEAD_LETTER).open()) {
            h.send("a", "poison", "b");
            assertThat(h.emittedValues()).containsExactly("a", "b");
            assertThat(h.skipped()).isZero();
            assertThat(h.deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.record().valueAsString()).isEqualTo("poison");
                assertThat(d.position()).isEqualTo(Position.inObject("harness", "input", 2));
                assertThat(d.reason()).isEqualTo("IllegalStateException: poison");
                assertThat(d.error()).isInstanceOf(IllegalStateException.class);
            });
        }
    }

    @Test
    void aRecordFormatExceptionFromATypedViewFollowsThePolicy() {
        try (TaskHarness<PoisonBolt> h = TaskHarness.of(new PoisonBolt()).errors(ErrorPolicy.DEAD_LETTER).open()) {
            h.send("{\"city\": \"Oslo\", \"celsius\": 10}", "{not json", "{\"city\": \"Rome\", \"celsius\": 30}");
            assertThat(h.emittedAs(PoisonBolt.Fahrenheit.class)).extracting(PoisonBolt.Fahrenheit::city)
                    .containsExactly("Oslo", "Rome");
            assertThat(h.deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.position()).hasToString("input:2");
                assertThat(d.error()).isInstanceOf(RecordFormatException.class);
                assertThat(d.reason()).startsWith("RecordFormatException: input:2: value does not "
                        + "bind to Reading");
            });
        }
    }

    @Test
    void aRecordFormatExceptionUnderFailNamesThePosition() {
        try (TaskHarness<PoisonBolt> h = TaskHarness.of(new PoisonBolt()).open()) {
            assertThatThrownBy(() -> h.send("{oops")).isInstanceOf(HarnessFailure.class)
                    .hasMessageContaining("at input:1").hasCauseInstanceOf(RecordFormatException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorPolicy.class)
    void deadLettersTheTaskSendsItselfAreCollectedUnderEveryPolicy(ErrorPolicy policy) {
        try (TaskHarness<PoisonBolt> h = TaskHarness.of(new PoisonBolt()).errors(policy).open()) {
            h.send("a", "bad");
            assertThat(h.deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo("bad input");
                assertThat(d.error()).isNull();
                assertThat(d.position()).isEqualTo(Position.inObject("harness", "input", 2));
            });
            assertThat(h.emittedValues()).containsExactly("a");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ErrorPolicy.class, names = {"SKIP", "DEAD_LETTER"})
    void whatAFailedCallEmittedBeforeThrowingIsDiscarded(ErrorPolicy policy) {
        try (TaskHarness<PoisonBolt> h = TaskHarness.of(new PoisonBolt()).errors(policy).open()) {
            h.send("poison");
            assertThat(h.emittedValues()).doesNotContain("partial").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorPolicy.class)
    void anErrorThrownByTheTaskPropagatesUnchangedUnderEveryPolicy(ErrorPolicy policy) {
        Bolt asserting = new Bolt() {
            @Override
            protected void process(Record in, Emitter out) {
                throw new AssertionError("expected something else");
            }
        };
        try (TaskHarness<Bolt> h = TaskHarness.of(asserting).errors(policy).open()) {
            assertThatThrownBy(() -> h.send("a")).isExactlyInstanceOf(AssertionError.class)
                    .hasMessage("expected something else");
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorPolicy.class)
    void aFlushFailureFailsTheTaskUnderEveryPolicy(ErrorPolicy policy) {
        Bolt failsOnFlush = new Bolt() {
            @Override
            protected void process(Record in, Emitter out) {
            }

            @Override
            protected void flush(Emitter out) {
                out.emit(Record.of("lost"));
                throw new IllegalStateException("disk full");
            }
        };
        try (TaskHarness<Bolt> h = TaskHarness.of(failsOnFlush).taskName("sink").errors(policy).open()) {
            assertThatThrownBy(h::flush).isInstanceOf(HarnessFailure.class)
                    .hasMessage("task 'sink' failed in flush: java.lang.IllegalStateException: disk full");
            assertThat(h.emitted()).isEmpty();
        }
    }

    @Test
    void anOpenFailureThrowsAHarnessFailureAfterClosingTheTask() {
        AtomicInteger closes = new AtomicInteger();
        Bolt failsOnOpen = new Bolt() {
            @Override
            public void open(TaskContext context) {
                context.args().string("required");
            }

            @Override
            protected void process(Record in, Emitter out) {
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        assertThatThrownBy(() -> TaskHarness.of(failsOnOpen).taskName("needs-args").open())
                .isInstanceOf(HarnessFailure.class)
                .hasMessageStartingWith("task 'needs-args' failed in open: ai.geniusrise.core.ConfigException")
                .hasMessageContaining("args.required");
        assertThat(closes).hasValue(1);
    }

    @Test
    void aCloseFailureIsReportedAsAHarnessFailure() {
        Bolt failsOnClose = new Bolt() {
            @Override
            protected void process(Record in, Emitter out) {
            }

            @Override
            public void close() throws Exception {
                throw new java.io.IOException("connection reset");
            }
        };
        TaskHarness<Bolt> h = TaskHarness.of(failsOnClose).taskName("closer").open();
        assertThatThrownBy(h::close).isInstanceOf(HarnessFailure.class)
                .hasMessage("task 'closer' failed in close: java.io.IOException: connection reset");
    }
}
