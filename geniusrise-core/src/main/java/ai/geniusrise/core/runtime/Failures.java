package ai.geniusrise.core.runtime;

import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.TaskFailedException;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies a task's error policy to a record that failed to decode or to process: fail the task,
 * skip the record (counted, logged at a bounded rate), or send it to the dead letters.
 *
 * <p>The runtime's own; public so that a test kit applies the policy as a run does, with the
 * same decisions, failure messages and dead-letter reasons ({@code TaskHarness} does), rather
 * than a copy that drifts. Task authors have no need of it. Thread-safe.
 */
public final class Failures {

    /** Where dead letters go: a batch run's {@link DeadLetters}, a streaming engine's sink, a test kit's list. */
    public interface Letters {
        /**
         * Keeps one dead letter.
         *
         * @param record the failed record when known (streaming, a test kit), else {@code null}
         * @param reason what {@link #describe(Throwable)} says of {@code error}
         */
        void write(Position position, byte[] original, Record record, String reason, Throwable error);
    }

    /** What the policy did with a failed record it did not fail the task for. */
    public enum Outcome {
        /** Skipped: counted and logged. */
        SKIPPED,
        /** Written to the dead letters. */
        DEAD_LETTERED
    }

    private static final long LOG_FIRST = 10;
    private static final long LOG_EVERY = 1000;

    private final String task;
    private final ErrorPolicy policy;
    private final DeadLetters deadLetters;
    private final Letters letters;
    private final Logger log;
    private final AtomicLong failures = new AtomicLong();

    Failures(String task, ErrorPolicy policy, DeadLetters deadLetters, Logger log) {
        this.task = task;
        this.policy = policy;
        this.deadLetters = deadLetters;
        this.letters = (position, original, record, reason, error) -> deadLetters.write(position, original, reason,
                error);
        this.log = log;
    }

    /** Failures whose dead letters go to {@code letters}; {@link #deadLetters()} is then {@code null}. */
    Failures(String task, ErrorPolicy policy, Letters letters, Logger log) {
        this.task = task;
        this.policy = policy;
        this.deadLetters = null;
        this.letters = letters;
        this.log = log;
    }

    /**
     * The failures of task {@code task} under {@code policy}, whose dead letters go to
     * {@code letters} and whose skips are logged to {@code log}.
     */
    public static Failures of(String task, ErrorPolicy policy, Letters letters, Logger log) {
        return new Failures(task, policy, letters, log);
    }

    /**
     * Applies the policy to {@code record}, which failed with {@code error}.
     *
     * @return whether the record was skipped or dead-lettered
     * @throws TaskFailedException under {@link ErrorPolicy#FAIL}, naming the task, the record's
     *                             position and the error
     */
    public Outcome apply(Record record, Throwable error) {
        return handle(record.position(), record.value(), record, error);
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    /**
     * Handles a failed record.
     *
     * @param position where the record was read
     * @param original its original bytes, if known
     * @throws TaskFailedException under the fail policy
     */
    void onFailure(Position position, byte[] original, Throwable error, TaskMetrics.Tally tally) {
        onFailure(position, original, null, error, tally);
    }

    /** Handles a failed record whose key and headers matter too (a streaming dead letter carries them). */
    void onFailure(Record record, Throwable error, TaskMetrics.Tally tally) {
        onFailure(record.position(), record.value(), record, error, tally);
    }

    private void onFailure(Position position, byte[] original, Record record, Throwable error,
                           TaskMetrics.Tally tally) {
        if (handle(position, original, record, error) == Outcome.SKIPPED) {
            tally.skipped++;
        } else {
            tally.deadLettered++;
        }
    }

    private Outcome handle(Position position, byte[] original, Record record, Throwable error) {
        return switch (policy) {
            case FAIL -> throw new TaskFailedException("task '" + task + "' failed on the record at " + position
                    + ": " + describe(error) + " (error policy: fail; set errors: skip or errors: dead-letter to go on "
                    + "past bad records)", error);
            case SKIP -> {
                logBounded("skipped the record at {}: {}", position, error);
                yield Outcome.SKIPPED;
            }
            case DEAD_LETTER -> {
                letters.write(position, original, record, describe(error), error);
                logBounded("sent the record at {} to the dead letters: {}", position, error);
                yield Outcome.DEAD_LETTERED;
            }
        };
    }

    private void logBounded(String message, Position position, Throwable error) {
        long n = failures.incrementAndGet();
        if (n <= LOG_FIRST || n % LOG_EVERY == 0) {
            log.warn("task '{}' " + message + (n > LOG_FIRST ? " ({} failed so far)" : ""), task, position,
                    describe(error), n);
        }
    }

    /**
     * The error's class and message (a Jackson exception's without the location Jackson adds to
     * it): the reason of a dead letter and the end of a failure's message.
     */
    public static String describe(Throwable error) {
        String m = error instanceof JsonProcessingException ? RecordFormatException.describe(error) : error.getMessage();
        return error.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
