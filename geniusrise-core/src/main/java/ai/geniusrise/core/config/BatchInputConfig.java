package ai.geniusrise.core.config;

import ai.geniusrise.core.ConfigException;

import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A batch input: the objects under a location ({@code s3://bucket/prefix}, {@code file:///dir},
 * a relative path resolved against the pipeline file's folder), decoded by {@link #format()}.
 * Also the source of a batch spout, where it may be any URL the spout understands.
 *
 * <p>The source may hold date-time fields in braces, {@code s3://lake/raw/dt={yyyy-MM-dd}/hour={HH}}
 * (java.time patterns, in UTC; {@code {{} for a literal brace): the runtime reads
 * {@link #at(Instant)} the run's logical time. With {@link #select()} {@link Selection#NEW} a bolt
 * reads only the objects no earlier successful run of the task has read, remembered in the task's
 * state.
 *
 * <p>Immutable and validated when built:
 * <pre>{@code
 * BatchInputConfig in = BatchInputConfig.builder("s3://my-bucket/data/dt={yyyy-MM-dd}")
 *         .format(Format.JSONL).glob("**.jsonl.gz").parallelism(4).select(Selection.NEW).build();
 * }</pre>
 */
public final class BatchInputConfig implements InputConfig {

    /** Which objects of the source a bolt reads. */
    public enum Selection {
        /** Every object, at every run. */
        ALL,
        /** Only objects no earlier successful run of the task has read (remembered in its state). */
        NEW;

        /** The name used in pipeline files: {@code all}, {@code new}. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The default {@link #checkpointInterval()}: five seconds. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

    private final String source;
    private final String scheme;
    private final Format format;
    private final Compression compression;
    private final String glob;
    private final int parallelism;
    private final Map<String, String> options;
    private final Selection select;
    private final Duration checkpointInterval;
    private final long checkpointRecords;
    private final TimeTemplate template;

    private BatchInputConfig(Builder b) {
        this.source = Locations.requireText("source", b.source, "the location to read, such as s3://bucket/prefix or a folder");
        this.template = b.resolved ? null : TimeTemplate.parse("source", source);
        this.scheme = Locations.schemeOf("source", template == null ? source : template.sample());
        this.format = Objects.requireNonNull(b.format, "format");
        this.compression = Objects.requireNonNull(b.compression, "compression");
        if (compression == Compression.SNAPPY || compression == Compression.ZSTD) {
            throw new ConfigException("compression", compression.yamlName() + " is for parquet and avro outputs; an input "
                    + "takes auto, none or gzip (parquet and avro inputs read their compression from the file)");
        }
        this.glob = b.glob == null || b.glob.isBlank() ? null : b.glob.trim();
        if (glob != null) {
            globMatcher(glob);
        }
        this.parallelism = Locations.positive("parallelism", b.parallelism);
        this.options = Map.copyOf(b.options);
        this.select = b.select;
        this.checkpointInterval = b.checkpointInterval == null ? DEFAULT_CHECKPOINT_INTERVAL : b.checkpointInterval;
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new ConfigException("checkpointInterval", "must be a positive duration such as 5s or 1m, got "
                    + checkpointInterval);
        }
        this.checkpointRecords = Locations.notNegative("checkpointRecords", b.checkpointRecords);
    }

    /** A builder for an input reading {@code source}. */
    public static Builder builder(String source) {
        return new Builder(source);
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder(source);
        b.format = format;
        b.compression = compression;
        b.glob = glob;
        b.parallelism = parallelism;
        b.options = options;
        b.select = select;
        b.checkpointInterval = checkpointInterval;
        b.checkpointRecords = checkpointRecords;
        b.resolved = template == null;
        return b;
    }

    /**
     * This config with the date-time fields of its source formatted for {@code logicalTime} (in
     * UTC); this config itself when its source has none.
     */
    public BatchInputConfig at(Instant logicalTime) {
        if (template == null || !template.hasFields() && !source.contains("{{")) {
            return this;
        }
        Builder b = toBuilder();
        b.source = template.format(logicalTime);
        b.resolved = true;
        return b.build();
    }

    @Override
    public String source() {
        return source;
    }

    /** The location's scheme: {@code s3}, {@code file} (also for plain paths), {@code http}, ... */
    public String scheme() {
        return scheme;
    }

    /** How objects are decoded into records; default {@link Format#JSONL}. */
    public Format format() {
        return format;
    }

    /** Default {@link Compression#AUTO}: gzip for names ending in {@code .gz}. */
    public Compression compression() {
        return compression;
    }

    /** A glob over object names relative to the location ({@code *.csv}, {@code **}{@code /*.gz}), or {@code null} for all. */
    public String glob() {
        return glob;
    }

    /**
     * The matcher of {@code glob} over relative object names.
     *
     * @throws ConfigException (path {@code glob}) if it is not a valid glob
     */
    public static PathMatcher globMatcher(String glob) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("glob", "'" + glob + "' is not a valid glob: " + e.getMessage().lines()
                    .findFirst().orElse("") + " (examples: *.csv, **/*.jsonl.gz)", e);
        }
    }

    /** How many objects are read at once; default: the number of processors. */
    public int parallelism() {
        return parallelism;
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    /**
     * Which objects a bolt reads, or {@code null} when not set: then {@link Selection#ALL} for a
     * bolt writing a batch output, {@link Selection#NEW} for one writing a stream (S3 to Kafka).
     */
    public Selection select() {
        return select;
    }

    /**
     * For a bolt writing a stream: how often, at most, the position reached in the object being
     * read is checkpointed (after every record sent so far is acknowledged); default 5 s.
     */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /**
     * For a bolt writing a stream: records after which the position reached in the object being
     * read is checkpointed, whatever the time; 0 (the default) for no such limit.
     */
    public long checkpointRecords() {
        return checkpointRecords;
    }

    @Override
    public String type() {
        return "batch";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchInputConfig c && c.source.equals(source) && c.format == format
                && c.compression == compression && Objects.equals(c.glob, glob) && c.parallelism == parallelism
                && c.options.equals(options) && c.select == select && c.checkpointInterval.equals(checkpointInterval)
                && c.checkpointRecords == checkpointRecords;
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, format, compression, glob, parallelism, options, select, checkpointInterval,
                checkpointRecords);
    }

    @Override
    public String toString() {
        return "BatchInputConfig{source=" + source + ", format=" + format.yamlName() + ", compression="
                + compression.yamlName() + (glob == null ? "" : ", glob=" + glob) + ", parallelism=" + parallelism
                + (select == null ? "" : ", select=" + select.yamlName()) + "}";
    }

    /** Builds a {@link BatchInputConfig}; {@link #build()} validates. */
    public static final class Builder {
        private String source;
        private boolean resolved;
        private Selection select;
        private Duration checkpointInterval;
        private long checkpointRecords;
        private Format format = Format.JSONL;
        private Compression compression = Compression.AUTO;
        private String glob;
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private Map<String, String> options = Map.of();

        private Builder(String source) {
            this.source = source;
        }

        /** The record format; default jsonl. */
        public Builder format(Format value) {
            this.format = Objects.requireNonNull(value, "format");
            return this;
        }

        /** The compression; default auto (by extension). */
        public Builder compression(Compression value) {
            this.compression = Objects.requireNonNull(value, "compression");
            return this;
        }

        /** Only objects whose relative name matches this glob. */
        public Builder glob(String value) {
            this.glob = value;
            return this;
        }

        /** How many objects are read at once. */
        public Builder parallelism(int value) {
            this.parallelism = value;
            return this;
        }

        /** Adapter-specific settings, replacing any set before. */
        public Builder options(Map<String, String> value) {
            this.options = Map.copyOf(value);
            return this;
        }

        /** Which objects a bolt reads; {@code null} for the default (see {@link BatchInputConfig#select()}). */
        public Builder select(Selection value) {
            this.select = value;
            return this;
        }

        /** For a bolt writing a stream: checkpoint the position in an object at most this often; {@code null}: 5 s. */
        public Builder checkpointInterval(Duration value) {
            this.checkpointInterval = value;
            return this;
        }

        /** For a bolt writing a stream: checkpoint the position in an object after this many records (0: no limit). */
        public Builder checkpointRecords(long value) {
            this.checkpointRecords = value;
            return this;
        }

        /**
         * The config.
         *
         * @throws ConfigException naming the field at fault
         */
        public BatchInputConfig build() {
            return new BatchInputConfig(this);
        }
    }
}
