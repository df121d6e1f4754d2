package ai.geniusrise.core.config;

import ai.geniusrise.core.ConfigException;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A batch output: objects written under a location ({@code s3://bucket/prefix},
 * {@code file:///dir} or a path), encoded by {@link #format()}.
 *
 * <p>Output is made visible atomically: parts are written under temporary names, then published
 * together with a commit marker listing them. A part rolls over to the next when it reaches
 * {@link #maxRecordsPerPart()} records or {@link #maxBytesPerPart()} bytes. Interval bolts
 * (Kafka→S3) also write when {@link #flushInterval()} has passed.
 *
 * <p>The destination may hold date-time fields in braces ({@code s3://lake/daily/dt={yyyy-MM-dd}},
 * java.time patterns in UTC, {@code {{} for a literal brace), formatted for the run's logical time
 * ({@link #at(Instant)}). {@link #partitionBy()} is either a JSON field ({@code country}: folders
 * {@code country=FR/}) or such a template ({@code dt={yyyy-MM-dd}/hour={HH}}), formatted for each
 * record's timestamp, or the run's logical time for records without one.
 *
 * <p>Immutable and validated when built:
 * <pre>{@code
 * BatchOutputConfig out = BatchOutputConfig.builder("s3://my-bucket/results")
 *         .compression(Compression.GZIP).maxBytesPerPart(64L << 20).build();
 * }</pre>
 */
public final class BatchOutputConfig implements OutputConfig {

    /** Default part size limit: 128 MiB before compression. */
    public static final long DEFAULT_MAX_BYTES_PER_PART = 128L << 20;

    private final String destination;
    private final String scheme;
    private final Format format;
    private final Compression compression;
    private final String partitionBy;
    private final long maxRecordsPerPart;
    private final long maxBytesPerPart;
    private final Duration flushInterval;
    private final Map<String, String> options;
    private final TimeTemplate template;
    private final TimeTemplate partitionTemplate;

    private BatchOutputConfig(Builder b) {
        this.destination = Locations.requireText("destination", b.destination,
                "the location to write, such as s3://bucket/prefix or a folder");
        this.template = b.resolved ? null : TimeTemplate.parse("destination", destination);
        this.scheme = Locations.schemeOf("destination", template == null ? destination : template.sample());
        this.format = Objects.requireNonNull(b.format, "format");
        if (b.compression == Compression.AUTO) {
            throw new ConfigException("compression", "auto is for inputs only; an output takes none or gzip"
                    + (b.format.hasSchema() ? ", snappy or zstd" : ""));
        }
        if ((b.compression == Compression.SNAPPY || b.compression == Compression.ZSTD) && !b.format.hasSchema()) {
            throw new ConfigException("compression", b.compression.yamlName() + " is for the parquet and avro formats; "
                    + "a " + b.format.yamlName() + " output takes none or gzip");
        }
        this.compression = Objects.requireNonNull(b.compression, "compression");
        this.partitionBy = b.partitionBy == null || b.partitionBy.isBlank() ? null : b.partitionBy.trim();
        this.partitionTemplate = partitionBy == null || !partitionBy.contains("{") ? null
                : TimeTemplate.parse("partitionBy", partitionBy.replaceAll("/+$", ""));
        if (partitionTemplate != null && !partitionTemplate.hasFields()) {
            throw new ConfigException("partitionBy", "'" + partitionBy + "' is neither a JSON field name nor a "
                    + "date-time template such as dt={yyyy-MM-dd}/hour={HH}");
        }
        if (partitionTemplate != null && (partitionBy.startsWith("/") || partitionTemplate.sample().contains(".."))) {
            throw new ConfigException("partitionBy", "'" + partitionBy + "' must name folders under the destination "
                    + "(no leading '/', no '..')");
        }        this.maxRecordsPerPart = Locations.notNegative("maxRecordsPerPart", b.maxRecordsPerPart);
        this.maxBytesPerPart = Locations.notNegative("maxBytesPerPart", b.maxBytesPerPart);
        if (b.flushInterval != null && (b.flushInterval.isNegative() || b.flushInterval.isZero())) {
            throw new ConfigException("flushInterval", "must be a positive duration such as 30s or 5m, got "
                    + b.flushInterval);
        }
        this.flushInterval = b.flushInterval;
        this.options = Map.copyOf(b.options);
    }

    /** A builder for an output writing under {@code destination}. */
    public static Builder builder(String destination) {
        return new Builder(destination);
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder(destination);
        b.format = format;
        b.compression = compression;
        b.partitionBy = partitionBy;
        b.maxRecordsPerPart = maxRecordsPerPart;
        b.maxBytesPerPart = maxBytesPerPart;
        b.flushInterval = flushInterval;
        b.options = options;
        b.resolved = template == null;
        return b;
    }

    /**
     * This config with the date-time fields of its destination formatted for {@code logicalTime}
     * (in UTC); this config itself when its destination has none.
     */
    public BatchOutputConfig at(Instant logicalTime) {
        if (template == null || !template.hasFields() && !destination.contains("{{")) {
            return this;
        }
        Builder b = toBuilder();
        b.destination = template.format(logicalTime);
        b.resolved = true;
        return b.build();
    }

    /** True when {@link #partitionBy()} is a date-time template rather than a JSON field. */
    public boolean partitionsByTime() {
        return partitionTemplate != null;
    }

    /**
     * The folder, ending in {@code /}, of a record with timestamp {@code time} under a
     * date-time {@link #partitionBy()}, such as {@code dt=2024-05-01/hour=10/}.
     *
     * @throws IllegalStateException if {@link #partitionsByTime()} is false
     */
    public String timePartition(Instant time) {
        if (partitionTemplate == null) {
            throw new IllegalStateException("partitionBy '" + partitionBy + "' is not a date-time template");
        }
        return partitionTemplate.format(time) + "/";
    }

    @Override
    public String destination() {
        return destination;
    }

    /** The location's scheme: {@code s3}, {@code file} (also for plain paths), ... */
    public String scheme() {
        return scheme;
    }

    /** How records are encoded; default {@link Format#JSONL}. */
    public Format format() {
        return format;
    }

    /**
     * {@link Compression#NONE} (the default) or {@link Compression#GZIP}; for parquet and avro also
     * {@link Compression#SNAPPY} and {@link Compression#ZSTD}, applied inside the file.
     */
    public Compression compression() {
        return compression;
    }

    /**
     * A JSON field whose value names a sub-folder ({@code field=value/}) for each record, or a
     * date-time template ({@code dt={yyyy-MM-dd}}, see {@link #partitionsByTime()}), or {@code null}.
     */
    public String partitionBy() {
        return partitionBy;
    }

    /** Records after which a part rolls over; 0 for no limit (the default). */
    public long maxRecordsPerPart() {
        return maxRecordsPerPart;
    }

    /** Uncompressed bytes after which a part rolls over; 0 for no limit. Default 128 MiB. */
    public long maxBytesPerPart() {
        return maxBytesPerPart;
    }

    /** For interval bolts: how often buffered records are written out; {@code null} when not set. */
    public Duration flushInterval() {
        return flushInterval;
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    @Override
    public String type() {
        return "batch";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchOutputConfig c && c.destination.equals(destination) && c.format == format
                && c.compression == compression && Objects.equals(c.partitionBy, partitionBy)
                && c.maxRecordsPerPart == maxRecordsPerPart && c.maxBytesPerPart == maxBytesPerPart
                && Objects.equals(c.flushInterval, flushInterval) && c.options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(destination, format, compression, partitionBy, maxRecordsPerPart, maxBytesPerPart,
                flushInterval, options);
    }

    @Override
    public String toString() {
        return "BatchOutputConfig{destination=" + destination + ", format=" + format.yamlName() + ", compression="
                + compression.yamlName() + (partitionBy == null ? "" : ", partitionBy=" + partitionBy) + "}";
    }

    /** Builds a {@link BatchOutputConfig}; {@link #build()} validates. */
    public static final class Builder {
        private String destination;
        private boolean resolved;
        private Format format = Format.JSONL;
        private Compression compression = Compression.NONE;
        private String partitionBy;
        private long maxRecordsPerPart;
        private long maxBytesPerPart = DEFAULT_MAX_BYTES_PER_PART;
        private Duration flushInterval;
        private Map<String, String> options = Map.of();

        private Builder(String destination) {
            this.destination = destination;
        }

        /** The record format; default jsonl. */
        public Builder format(Format value) {
            this.format = Objects.requireNonNull(value, "format");
            return this;
        }

        /** none (default) or gzip; snappy and zstd for parquet and avro. */
        public Builder compression(Compression value) {
            this.compression = Objects.requireNonNull(value, "compression");
            return this;
        }

        /** Partition records into sub-folders by this JSON field, or by this date-time template. */
        public Builder partitionBy(String field) {
            this.partitionBy = field;
            return this;
        }

        /** Roll parts after this many records (0: no limit). */
        public Builder maxRecordsPerPart(long value) {
            this.maxRecordsPerPart = value;
            return this;
        }

        /** Roll parts after this many uncompressed bytes (0: no limit). */
        public Builder maxBytesPerPart(long value) {
            this.maxBytesPerPart = value;
            return this;
        }

        /** For interval bolts: write buffered records this often. */
        public Builder flushInterval(Duration value) {
            this.flushInterval = value;
            return this;
        }

        /** Adapter-specific settings, replacing any set before. */
        public Builder options(Map<String, String> value) {
            this.options = Map.copyOf(value);
            return this;
        }

        /**
         * The config.
         *
         * @throws ConfigException naming the field at fault
         */
        public BatchOutputConfig build() {
            return new BatchOutputConfig(this);
        }
    }
}
