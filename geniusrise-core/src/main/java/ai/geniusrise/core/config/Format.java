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
    RAW,
    /**
     * Apache Parquet: columnar, with a schema (given, or inferred from the first JSON records);
     * each record's value is its JSON form. Compression is inside the file.
     */
    PARQUET,
    /**
     * Avro object container files, with a schema like {@link #PARQUET}; each record's value is
     * its JSON form. Compression is inside the file.
     */
    AVRO;

    /** Whether records of this format carry a schema and compress inside the file (parquet, avro). */
    public boolean hasSchema() {
        return this == PARQUET || this == AVRO;
    }

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
            case PARQUET -> "parquet";
            case AVRO -> "avro";
        };
    }
}
