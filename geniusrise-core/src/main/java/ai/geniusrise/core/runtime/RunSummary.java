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
 * @param parts         the output parts committed (relative names), in order
 * @param output        where the output went
 * @param elapsed       wall time of the run
 */
public record RunSummary(String task, long recordsIn, long recordsOut, long skipped, long deadLettered,
                         List<String> parts, String output, Duration elapsed) {

    /** Copies the list. */
    public RunSummary {
        parts = List.copyOf(parts);
    }
}
