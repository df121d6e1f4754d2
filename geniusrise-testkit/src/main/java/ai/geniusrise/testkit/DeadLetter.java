package ai.geniusrise.testkit;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;

import java.util.Objects;

/**
 * A record a {@link TaskHarness} sent to the dead letters: either the task called
 * {@link ai.geniusrise.core.Emitter#deadLetter(Record, String)}, or {@code process} threw under
 * {@link ai.geniusrise.core.ErrorPolicy#DEAD_LETTER}.
 *
 * @param record the record, with its source position (for a failed input, the input record itself)
 * @param reason why: the task's own words, or for a thrown error its class name and message
 *               ({@code java.lang.IllegalStateException: poison})
 * @param error  the error {@code process} threw, or {@code null} when the task dead-lettered the record itself
 */
public record DeadLetter(Record record, String reason, Throwable error) {

    /** Checks that record and reason are given. */
    public DeadLetter {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(reason, "reason");
    }

    /** Where the dead-lettered record was read: {@code record().position()}. */
    public Position position() {
        return record.position();
    }

    @Override
    public String toString() {
        return "DeadLetter{" + record + ", reason=" + reason + "}";
    }
}
