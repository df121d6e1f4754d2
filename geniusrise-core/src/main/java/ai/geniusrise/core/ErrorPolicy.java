package ai.geniusrise.core;

import java.util.Locale;

/**
 * What the runtime does when a record cannot be decoded or when a task throws while processing
 * it. Set per task with {@code errors: fail | skip | dead-letter}.
 */
public enum ErrorPolicy {
    /** Stop the task with an error naming the record's position. Nothing of the run is committed. */
    FAIL,
    /** Count the record as failed, log it (rate-limited), and go on. */
    SKIP,
    /** Send the record's original bytes, its position and the error to the dead-letter output, and go on. */
    DEAD_LETTER;

    /** The name used in pipeline files: {@code fail}, {@code skip}, {@code dead-letter}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a pipeline-file name; returns {@code null} when it names no policy. */
    public static ErrorPolicy fromYamlName(String name) {
        for (ErrorPolicy p : values()) {
            if (p.yamlName().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
