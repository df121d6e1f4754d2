package ai.geniusrise.core.runtime;

import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

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

    /**
     * What the run of {@code spec} did and where its output went, as every entry point prints it
     * ({@code geniusrise run} and {@link ai.geniusrise.core.Geniusrise#run}): the counts that are not
     * zero, then the output on a second line. For example:
     *
     * <pre>
     * task 'cleaner' done in 20.7 s: 180 records in, 158 out, 11 dead-lettered, 11 dropped
     *   output: topic clean</pre>
     */
    public String describe(TaskSpec spec) {
        boolean spout = spec.kind() == TaskSpec.Kind.SPOUT;
        StringBuilder sb = new StringBuilder();
        sb.append("task '").append(task).append("' done in ")
                .append(String.format(Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0)).append(": ")
                .append(spout ? "" : recordsIn + " records in, ")
                .append(recordsOut).append(spout ? " records out" : " out");
        if (skipped > 0) {
            sb.append(", ").append(skipped).append(" skipped");
        }
        if (deadLettered > 0) {
            sb.append(", ").append(deadLettered).append(" dead-lettered");
        }
        if (dropped > 0) {
            sb.append(", ").append(dropped).append(" dropped");
        }
        if (spec.output() instanceof StreamingOutputConfig o) {
            sb.append("\n  output: topic ").append(o.topic());
        } else if (spec.streaming()) {
            // an interval bolt (Kafka to S3) publishes objects as it goes, each with its own commit marker
            sb.append("\n  output: ").append(output).append(" (objects per partition and interval)");
        } else {
            sb.append("\n  output: ").append(output).append(" (").append(parts.size()).append(" part")
                    .append(parts.size() == 1 ? "" : "s").append(')');
        }
        return sb.toString();
    }
}
