package ai.geniusrise.core.config;

import ai.geniusrise.core.ConfigException;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A streaming input: a Kafka topic read by a consumer group (for bolts), or the URL of an
 * external event source such as {@code http://0.0.0.0:8080/events} (for streaming spouts).
 *
 * <p>Bootstrap servers come from here, else the pipeline's {@code defaults.kafka}, else the
 * environment variable {@code KAFKA_BOOTSTRAP_SERVERS}. The group id defaults to
 * {@code <pipeline>.<task>}. {@link #properties()} pass through to the Kafka client unchanged
 * (SASL, SSL, anything else). {@link #commitInterval()} is how often a bolt flushes its output
 * and commits the offsets it has consumed (default one second), {@link #commitRecords()} after how
 * many records it does so sooner (default 10,000): together they bound what a crash makes the bolt
 * process again. {@link #concurrency()} is how many
 * members of the consumer group one process runs, each on its own thread with its own clients
 * (default 1), beside the {@code replicas} processes. {@link #ordering()} and {@link #maxInFlight()}
 * let one member process many records at once: records of different keys concurrently, records of
 * one key in order (for bolts that call slow services).
 * {@link #keyFormat()} and {@link #valueFormat()}
 * decode keys and values written with a schema registry (the Confluent wire format) into JSON for
 * the bolt; records that cannot be decoded go through the task's error policy.
 */
public final class StreamingInputConfig implements InputConfig {

    private final String source;
    private final String bootstrapServers;
    private final String groupId;
    private final Duration commitInterval;
    private final long commitRecords;
    private final int concurrency;
    private final Ordering ordering;
    private final int maxInFlight;
    private final Map<String, String> properties;
    private final SchemaFormat keyFormat;
    private final SchemaFormat valueFormat;
    private final SchemaRegistryConfig schemaRegistry;

    /** The default {@link #commitInterval()}: one second. */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);
    /** The default {@link #commitRecords()}: 10,000 records. */
    public static final long DEFAULT_COMMIT_RECORDS = 10_000;
    /** The default {@link #maxInFlight()}: 256 records. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;

    private StreamingInputConfig(Builder b) {
        this.source = Locations.requireText("source", b.source, "the topic to read, or the external source's URL");
        this.bootstrapServers = blankToNull(b.bootstrapServers);
        this.groupId = blankToNull(b.groupId);
        this.commitInterval = b.commitInterval == null ? DEFAULT_COMMIT_INTERVAL : b.commitInterval;
        if (commitInterval.isNegative() || commitInterval.isZero()) {
            throw new ConfigException("commitInterval", "must be positive, such as 1s or 500ms, got " + commitInterval);
        }
        this.commitRecords = b.commitRecords == null ? DEFAULT_COMMIT_RECORDS : b.commitRecords;
        if (commitRecords < 1) {
            throw new ConfigException("commitRecords", "must be at least 1 (records processed between two commits "
                    + "at most), got " + commitRecords);
        }
        this.concurrency = b.concurrency == null ? 1 : b.concurrency;
        if (concurrency < 1) {
            throw new ConfigException("concurrency", "must be at least 1 (consumer-group members in one process), got "
                    + concurrency);
        }
        this.ordering = b.ordering == null ? Ordering.PARTITION : b.ordering;
        this.maxInFlight = b.maxInFlight == null ? DEFAULT_MAX_IN_FLIGHT : b.maxInFlight;
        if (maxInFlight < 1) {
            throw new ConfigException("maxInFlight", "must be at least 1 (records one consumer-group member "
                    + "processes at once with ordering: key or none), got " + maxInFlight);
        }
        if (b.maxInFlight != null && ordering == Ordering.PARTITION) {
            throw new ConfigException("maxInFlight", "applies with ordering: key or ordering: none only (with "
                    + "ordering: partition, the default, a member processes one record at a time): set ordering, "
                    + "or remove maxInFlight");
        }
        this.properties = Map.copyOf(b.properties);
        this.keyFormat = b.keyFormat;
        this.valueFormat = b.valueFormat;
        this.schemaRegistry = RegistrySettings.registry(keyFormat, valueFormat, b.schemaRegistry);
    }

    /** A builder for an input reading topic (or URL) {@code source}. */
    public static Builder builder(String source) {
        return new Builder(source);
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder(source).bootstrapServers(bootstrapServers).groupId(groupId).commitInterval(commitInterval)
                .commitRecords(commitRecords).concurrency(concurrency).ordering(ordering)
                .maxInFlight(ordering == Ordering.PARTITION ? null : maxInFlight).properties(properties)
                .keyFormat(keyFormat).valueFormat(valueFormat).schemaRegistry(schemaRegistry);
    }

    @Override
    public String source() {
        return source;
    }

    /** The topic ({@link #source()}); same value, named for readers of Kafka code. */
    public String topic() {
        return source;
    }

    /** {@code host:port,...}, or {@code null} to take the pipeline default or the environment. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The consumer group, or {@code null} for {@code <pipeline>.<task>}. */
    public String groupId() {
        return groupId;
    }

    /**
     * How often a bolt reading this input flushes its output and commits the offsets consumed:
     * the most that is processed again after a crash, and the latency of an exactly-once output.
     */
    public Duration commitInterval() {
        return commitInterval;
    }

    /**
     * After how many records a consumer-group member commits without waiting for
     * {@link #commitInterval()}: the bound on what a crash repeats while a backlog drains at full
     * speed. A member that crashes makes its successor process again at most the records it
     * processed since its last commit: no more than {@code commitRecords} plus one poll batch
     * ({@code max.poll.records}), and no more than what it processes in one {@code commitInterval}
     * plus one poll batch (see docs/design.md, "Duplicates after a crash"). At-least-once only: an
     * exactly-once bolt repeats nothing visible after a crash, so its transactions commit at
     * {@link #commitInterval()} or as soon as the member has caught up with its input.
     */
    public long commitRecords() {
        return commitRecords;
    }

    /**
     * How many members of the consumer group a bolt reading this input runs in one process (default
     * 1), like Kafka Streams' stream threads: each member has its own consumer and producer and its
     * own thread, and Kafka splits the partitions between all members of all replicas. With more
     * than one, the bolt's {@code process} and {@code flush} are called from that many threads at
     * once on the one bolt instance, so the bolt must be thread-safe. More members than partitions
     * leave some idle.
     */
    public int concurrency() {
        return concurrency;
    }

    /**
     * In what order each consumer-group member processes its records: {@link Ordering#PARTITION}
     * (the default: one record at a time, in offset order), {@link Ordering#KEY} (records of one key
     * in offset order, different keys concurrently) or {@link Ordering#NONE} (any order). With
     * {@code key} or {@code none}, the bolt's {@code process} runs on several threads at once (so
     * it must be thread-safe), and its {@code flush} may run while other records are in process.
     */
    public Ordering ordering() {
        return ordering;
    }

    /**
     * With {@link #ordering()} {@code key} or {@code none}: how many records of one consumer-group
     * member may be taken and not yet committable at once (processing, waiting behind a record of
     * the same key, or finished after a record still in process); at the bound the member pauses its
     * partitions and goes on polling. Default 256. It also bounds what a crash repeats beyond
     * {@link #commitRecords()}.
     */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Client properties passed through to the consumer. */
    public Map<String, String> properties() {
        return properties;
    }

    /** How keys are encoded with the schema registry, or {@code null} for bytes as they are. */
    public SchemaFormat keyFormat() {
        return keyFormat;
    }

    /** How values are encoded with the schema registry, or {@code null} for bytes as they are. */
    public SchemaFormat valueFormat() {
        return valueFormat;
    }

    /** The schema registry the formats use; {@code null} when neither format is set. */
    public SchemaRegistryConfig schemaRegistry() {
        return schemaRegistry;
    }

    /** The same as {@link #properties()}. */
    @Override
    public Map<String, String> options() {
        return properties;
    }

    @Override
    public String type() {
        return "streaming";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamingInputConfig c && c.source.equals(source)
                && Objects.equals(c.bootstrapServers, bootstrapServers) && Objects.equals(c.groupId, groupId)
                && c.commitInterval.equals(commitInterval) && c.commitRecords == commitRecords
                && c.concurrency == concurrency && c.ordering == ordering && c.maxInFlight == maxInFlight
                && c.properties.equals(properties) && c.keyFormat == keyFormat && c.valueFormat == valueFormat
                && Objects.equals(c.schemaRegistry, schemaRegistry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, bootstrapServers, groupId, commitInterval, commitRecords, concurrency, ordering,
                maxInFlight, properties, keyFormat, valueFormat, schemaRegistry);
    }

    @Override
    public String toString() {
        return "StreamingInputConfig{source=" + source + (bootstrapServers == null ? "" : ", bootstrapServers="
                + bootstrapServers) + (groupId == null ? "" : ", groupId=" + groupId)
                + (concurrency == 1 ? "" : ", concurrency=" + concurrency)
                + (ordering == Ordering.PARTITION ? "" : ", ordering=" + ordering.yamlName() + ", maxInFlight="
                + maxInFlight) + RegistrySettings.describe(keyFormat, valueFormat) + "}";
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Builds a {@link StreamingInputConfig}. */
    public static final class Builder {
        private final String source;
        private String bootstrapServers;
        private String groupId;
        private Duration commitInterval;
        private Long commitRecords;
        private Integer concurrency;
        private Ordering ordering;
        private Integer maxInFlight;
        private Map<String, String> properties = Map.of();
        private SchemaFormat keyFormat;
        private SchemaFormat valueFormat;
        private SchemaRegistryConfig schemaRegistry;

        private Builder(String source) {
            this.source = source;
        }

        /** {@code host:port,...}. */
        public Builder bootstrapServers(String value) {
            this.bootstrapServers = value;
            return this;
        }

        /** The consumer group id. */
        public Builder groupId(String value) {
            this.groupId = value;
            return this;
        }

        /** How often offsets are committed; {@code null} for the default of one second. */
        public Builder commitInterval(Duration value) {
            this.commitInterval = value;
            return this;
        }

        /** Records between two commits at most, at least 1; {@code null} for the default of 10,000. */
        public Builder commitRecords(Long value) {
            this.commitRecords = value;
            return this;
        }

        /** Consumer-group members in one process, at least 1; {@code null} for the default of 1. */
        public Builder concurrency(Integer value) {
            this.concurrency = value;
            return this;
        }

        /** The order records are processed in; {@code null} for the default, {@link Ordering#PARTITION}. */
        public Builder ordering(Ordering value) {
            this.ordering = value;
            return this;
        }

        /**
         * Records in flight per member with ordering {@code key} or {@code none}, at least 1;
         * {@code null} for the default of 256. Setting it with ordering {@code partition} is an error.
         */
        public Builder maxInFlight(Integer value) {
            this.maxInFlight = value;
            return this;
        }

        /** Client properties, replacing any set before. */
        public Builder properties(Map<String, String> value) {
            this.properties = Map.copyOf(value);
            return this;
        }

        /** How keys are encoded with the schema registry; {@code null} for bytes as they are. */
        public Builder keyFormat(SchemaFormat value) {
            this.keyFormat = value;
            return this;
        }

        /** How values are encoded with the schema registry; {@code null} for bytes as they are. */
        public Builder valueFormat(SchemaFormat value) {
            this.valueFormat = value;
            return this;
        }

        /**
         * The schema registry of {@link #keyFormat} and {@link #valueFormat}; {@code null} for
         * {@link SchemaRegistryConfig#DEFAULT} when a format is set.
         */
        public Builder schemaRegistry(SchemaRegistryConfig value) {
            this.schemaRegistry = value;
            return this;
        }

        /** The config; throws {@link ai.geniusrise.core.ConfigException} naming the field at fault. */
        public StreamingInputConfig build() {
            return new StreamingInputConfig(this);
        }
    }
}
