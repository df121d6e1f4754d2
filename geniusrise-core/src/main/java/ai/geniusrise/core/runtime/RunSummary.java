package ai.geniusrise.core.runtime;

import java.time.Duration;
import java.util.List;

/**
 * What a finished run did.
 *
 * @param task          the task's name
 * @param recordsIn     records read from the input
 * @param recordsOut    records written to the output
 * @param skipped       records dropped under the {@code skip} policy
 * @param deadLettered  records sent to the dead letters
 * @param dropped       records the bolt's {@code process} returned from normally without emitting
 *                      anything (no record, no dead letter): filtered out on purpose, or lost by a
 *                      bug; so {@code recordsIn = dropped + skipped + deadLettered +} the records
 *                      that produced output (each may produce several). 0 for a task whose
 *                      {@code flush} emitted records: it aggregates, so its records went into those
 * @param parts         the output parts committed (relative names), in order
 * @param output        where the output went
 * @param elapsed       wall time of the run
 */
public record RunSummary(String task, long recordsIn, long recordsOut, long skipped, long deadLettered,
                         long dropped, List<String> parts, String output, Duration elapsed) {

    /** Copies the list. */
    public RunSummary {
        parts = List.copyOf(parts);
    }
}
