package ai.geniusrise.core.runtime;

import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.TaskFailedException;
import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies a task's error policy to a record that failed to decode or to process: fail the task,
 * skip the record (counted, logged at a bounded rate), or send it to the dead letters.
 */
final class Failures {

    private static final long LOG_FIRST = 10;
    private static final long LOG_EVERY = 1000;

    private final String task;
    private final ErrorPolicy policy;
    private final DeadLetters deadLetters;
    private final Logger log;
    private final AtomicLong failures = new AtomicLong();

    Failures(String task, ErrorPolicy policy, DeadLetters deadLetters, Logger log) {
        this.task = task;
        this.policy = policy;
        this.deadLetters = deadLetters;
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
        switch (policy) {
            case FAIL -> throw new TaskFailedException("task '" + task + "' failed on the record at " + position
                    + ": " + describe(error) + " (error policy: fail; set errors: skip or errors: dead-letter to go on "
                    + "past bad records)", error);
            case SKIP -> {
                tally.skipped++;
                logBounded("skipped the record at {}: {}", position, error);
            }
            case DEAD_LETTER -> {
                deadLetters.write(position, original, "processing failed", error);
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

    static String describe(Throwable error) {
        String m = error.getMessage();
        return error.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
