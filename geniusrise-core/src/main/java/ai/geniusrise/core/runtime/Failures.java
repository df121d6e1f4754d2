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
 */
final class Failures {

    /** Where dead letters go: a batch run's {@link DeadLetters}, or a streaming engine's sink. */
    interface Letters {
        /** {@code record} is the failed record when known (streaming), else {@code null}. */
        void write(Position position, byte[] original, Record record, String reason, Throwable error);
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
        switch (policy) {
            case FAIL -> throw new TaskFailedException("task '" + task + "' failed on the record at " + position
                    + ": " + describe(error) + " (error policy: fail; set errors: skip or errors: dead-letter to go on "
                    + "past bad records)", error);
            case SKIP -> {
                tally.skipped++;
                logBounded("skipped the record at {}: {}", position, error);
            }
            case DEAD_LETTER -> {
                letters.write(position, original, record, describe(error), error);
                tally.deadLettered++;
                logBounded("sent the record at {} to the dead letters: {}", position, error);
            }
        }
    }

    private void logBounded(String message, Position position, Throwable error) {
        long n = failures.incrementAndGet();
        if (n <= LOG_FIRST || n % LOG_EVERY == 0) {
            log.warn("task '{}' " + message + (n > LOG_FIRST ? " ({} failed so far)" : ""), task, position,
                    describe(error), n);
        }
    }

    /** The error's class and message (a Jackson exception's without the location Jackson adds to it). */
    static String describe(Throwable error) {
        String m = error instanceof JsonProcessingException ? RecordFormatException.describe(error) : error.getMessage();
        return error.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
