package ai.geniusrise.core.config;

import java.util.Map;
import java.util.Objects;

/**
 * A streaming output: a Kafka topic. Bootstrap servers as for {@link StreamingInputConfig}.
 * The record key is the emitted record's key, or, when {@link #keyField()} is set, that field
 * of the JSON value (a value that is not JSON, or lacks the field, keeps the record's key). {@link #properties()} pass through to the producer.
 * {@link #keyFormat()} and {@link #valueFormat()} encode the JSON keys and values a task emits with
 * a schema ({@link #keySchema()}, {@link #valueSchema()}, or the subject's latest in the registry)
 * in the Confluent wire format; a record that does not match goes through the task's error policy.
 */
public final class StreamingOutputConfig implements OutputConfig {

    private final String destination;
    private final String bootstrapServers;
    private final String keyField;
    private final Map<String, String> properties;
    private final SchemaFormat keyFormat;
    private final SchemaFormat valueFormat;
    private final String keySchema;
    private final String valueSchema;
    private final SchemaRegistryConfig schemaRegistry;

    private StreamingOutputConfig(Builder b) {
        this.destination = Locations.requireText("destination", b.destination, "the topic to write");
        this.bootstrapServers = StreamingInputConfig.blankToNull(b.bootstrapServers);
        this.keyField = StreamingInputConfig.blankToNull(b.keyField);
        this.properties = Map.copyOf(b.properties);
        this.keyFormat = b.keyFormat;
        this.valueFormat = b.valueFormat;
        this.keySchema = RegistrySettings.schema("keySchema", b.keySchema, keyFormat, "keyFormat");
        this.valueSchema = RegistrySettings.schema("valueSchema", b.valueSchema, valueFormat, "valueFormat");
        this.schemaRegistry = RegistrySettings.registry(keyFormat, valueFormat, b.schemaRegistry);
    }

    /** A builder for an output writing topic {@code destination}. */
    public static Builder builder(String destination) {
        return new Builder(destination);
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder(destination).bootstrapServers(bootstrapServers).keyField(keyField).properties(properties)
                .keyFormat(keyFormat).valueFormat(valueFormat).keySchema(keySchema).valueSchema(valueSchema)
                .schemaRegistry(schemaRegistry);
    }

    @Override
    public String destination() {
        return destination;
    }

    /** The topic ({@link #destination()}). */
    public String topic() {
        return destination;
    }

    /** {@code host:port,...}, or {@code null} for the pipeline default or the environment. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A JSON field of the value to use as the key, or {@code null} to keep the record's key. */
    public String keyField() {
        return keyField;
    }

    /** Client properties passed through to the producer. */
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

    /**
     * The schema text keys are encoded with (an Avro schema's or a JSON Schema's JSON), or
     * {@code null} for the latest version registered under the key subject.
     */
    public String keySchema() {
        return keySchema;
    }

    /**
     * The schema text values are encoded with (an Avro schema's or a JSON Schema's JSON), or
     * {@code null} for the latest version registered under the value subject.
     */
    public String valueSchema() {
        return valueSchema;
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
        return o instanceof StreamingOutputConfig c && c.destination.equals(destination)
                && Objects.equals(c.bootstrapServers, bootstrapServers) && Objects.equals(c.keyField, keyField)
                && c.properties.equals(properties) && c.keyFormat == keyFormat && c.valueFormat == valueFormat
                && Objects.equals(c.keySchema, keySchema) && Objects.equals(c.valueSchema, valueSchema)
                && Objects.equals(c.schemaRegistry, schemaRegistry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(destination, bootstrapServers, keyField, properties, keyFormat, valueFormat, keySchema,
                valueSchema, schemaRegistry);
    }

    @Override
    public String toString() {
        return "StreamingOutputConfig{destination=" + destination + (keyField == null ? "" : ", keyField="
                + keyField) + RegistrySettings.describe(keyFormat, valueFormat) + "}";
    }

    /** Builds a {@link StreamingOutputConfig}. */
    public static final class Builder {
        private final String destination;
        private String bootstrapServers;
        private String keyField;
        private Map<String, String> properties = Map.of();
        private SchemaFormat keyFormat;
        private SchemaFormat valueFormat;
        private String keySchema;
        private String valueSchema;
        private SchemaRegistryConfig schemaRegistry;

        private Builder(String destination) {
            this.destination = destination;
        }

        /** {@code host:port,...}. */
        public Builder bootstrapServers(String value) {
            this.bootstrapServers = value;
            return this;
        }

        /** A JSON field of the value to use as the record key. */
        public Builder keyField(String value) {
            this.keyField = value;
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

        /** The schema text of keys; {@code null} for the subject's latest registered version. */
        public Builder keySchema(String value) {
            this.keySchema = value;
            return this;
        }

        /** The schema text of values; {@code null} for the subject's latest registered version. */
        public Builder valueSchema(String value) {
            this.valueSchema = value;
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
        public StreamingOutputConfig build() {
            return new StreamingOutputConfig(this);
        }
    }
}
