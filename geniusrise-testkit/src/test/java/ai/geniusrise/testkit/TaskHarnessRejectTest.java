package ai.geniusrise.testkit;

import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.Spout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A record a spout rejects meets the harness's error policy, as it meets the task's in the runtime. */
@Timeout(10)
class TaskHarnessRejectTest {

    /** Emits "good", rejects "bad", emits "after". */
    static final class RejectingSpout extends Spout {
        @Override
        protected void produce(Emitter out) {
            out.emit(Record.of("good"));
            Record bad = Record.of("bad");
            out.reject(bad, new RecordFormatException("not a line", bad.position(), bad.value(), null));
            out.emit(Record.of("after"));
        }
    }

    @Test
    void aRejectedRecordIsCountedUnderSkip() {
        try (TaskHarness<RejectingSpout> h = TaskHarness.of(new RejectingSpout()).errors(ErrorPolicy.SKIP).open()) {
            h.produce();
            assertThat(h.emittedValues()).containsExactly("good", "after");
            assertThat(h.skipped()).isEqualTo(1);
        }
    }

    @Test
    void aRejectedRecordIsADeadLetterUnderDeadLetter() {
        try (TaskHarness<RejectingSpout> h = TaskHarness.of(new RejectingSpout()).errors(ErrorPolicy.DEAD_LETTER)
                .open()) {
            h.produce();
            assertThat(h.deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.record().valueAsString()).isEqualTo("bad");
                assertThat(d.reason()).contains("not a line");
            });
        }
    }

    @Test
    void aRejectedRecordFailsTheSpoutUnderFail() {
        try (TaskHarness<RejectingSpout> h = TaskHarness.of(new RejectingSpout()).open()) {
            assertThatThrownBy(h::produce).isInstanceOf(HarnessFailure.class).hasMessageContaining("not a line");
            assertThat(h.emittedValues()).containsExactly("good");
        }
    }
}
