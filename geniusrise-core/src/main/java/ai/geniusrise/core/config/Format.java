package ai.geniusrise.core.config;

import java.util.Locale;

/** How records are laid out in a stored object. */
public enum Format {
    /** One JSON document per line; the value is the line's bytes. */
    JSONL,
    /** Comma-separated values with a header row; each row becomes a JSON object keyed by the header. */
    CSV,
    /** One record per line of text; the value is the line without its line break. */
    TEXT,
    /** One record per object: the value is the whole object's bytes. */
    RAW;

    /** The name used in pipeline files. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The usual file extension, without a dot. */
    public String extension() {
        return switch (this) {
            case JSONL -> "jsonl";
            case CSV -> "csv";
            case TEXT -> "txt";
            case RAW -> "bin";
        };
    }
}
