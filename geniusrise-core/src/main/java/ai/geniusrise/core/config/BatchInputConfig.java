package ai.geniusrise.core.config;

import ai.geniusrise.core.ConfigException;

import java.util.Map;
import java.util.Objects;

/**
 * A batch input: the objects under a location ({@code s3://bucket/prefix}, {@code file:///dir},
 * a relative path resolved against the pipeline file's folder), decoded by {@link #format()}.
 * Also the source of a batch spout, where it may be any URL the spout understands.
 *
 * <p>Immutable and validated when built:
 * <pre>{@code
 * BatchInputConfig in = BatchInputConfig.builder("s3://my-bucket/data")
 *         .format(Format.JSONL).glob("**.jsonl.gz").parallelism(4).build();
 * }</pre>
 */
public final class BatchInputConfig implements InputConfig {

    private final String source;
    private final String scheme;
    private final Format format;
    private final Compression compression;
    private final String glob;
    private final int parallelism;
    private final Map<String, String> options;

    private BatchInputConfig(Builder b) {
        this.source = Locations.requireText("source", b.source, "the location to read, such as s3://bucket/prefix or a folder");
        this.scheme = Locations.schemeOf("source", source);
        this.format = Objects.requireNonNull(b.format, "format");
        this.compression = Objects.requireNonNull(b.compression, "compression");
        this.glob = b.glob == null || b.glob.isBlank() ? null : b.glob.trim();
        this.parallelism = Locations.positive("parallelism", b.parallelism);
        this.options = Map.copyOf(b.options);
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
        return b;
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

    /** How many objects are read at once; default: the number of processors. */
    public int parallelism() {
        return parallelism;
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
        return o instanceof BatchInputConfig c && c.source.equals(source) && c.format == format
                && c.compression == compression && Objects.equals(c.glob, glob) && c.parallelism == parallelism
                && c.options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, format, compression, glob, parallelism, options);
    }

    @Override
    public String toString() {
        return "BatchInputConfig{source=" + source + ", format=" + format.yamlName() + ", compression="
                + compression.yamlName() + (glob == null ? "" : ", glob=" + glob) + ", parallelism=" + parallelism + "}";
    }

    /** Builds a {@link BatchInputConfig}; {@link #build()} validates. */
    public static final class Builder {
        private final String source;
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
