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
 * With {@code protobuf}, {@link #keyMessageType()} and {@link #valueMessageType()} choose the
 * message of the {@code .proto} schema that is written.
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
    private final String keyMessageType;
    private final String valueMessageType;
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
        this.keyMessageType = RegistrySettings.messageType("keyMessageType", b.keyMessageType, keyFormat, "keyFormat");
        this.valueMessageType = RegistrySettings.messageType("valueMessageType", b.valueMessageType, valueFormat,
                "valueFormat");
        this.schemaRegistry = RegistrySettings.registry(keyFormat, valueFormat, b.schemaRegistry);
    }

    /**
     * Whether {@code value}, written for a {@code keySchema} or {@code valueSchema} in a pipeline
     * file, is the schema's text rather than the path of a schema file: text starting with
     * <code>{</code> (JSON), or holding a line break (a {@code .proto} file written as a block,
     * {@code |}, even of one line).
     */
    public static boolean isInlineSchema(String value) {
        return value != null && (value.trim().startsWith("{") || value.contains("\n"));
    }

    /** A builder for an output writing topic {@code destination}. */
    public static Builder builder(String destination) {
        return new Builder(destination);
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder(destination).bootstrapServers(bootstrapServers).keyField(keyField).properties(properties)
                .keyFormat(keyFormat).valueFormat(valueFormat).keySchema(keySchema).valueSchema(valueSchema)
                .keyMessageType(keyMessageType).valueMessageType(valueMessageType).schemaRegistry(schemaRegistry);
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
     * The schema text keys are encoded with (an Avro schema's or a JSON Schema's JSON, a
     * {@code .proto} file's text), or {@code null} for the latest version registered under the key subject.
     */
    public String keySchema() {
        return keySchema;
    }

    /**
     * The schema text values are encoded with (an Avro schema's or a JSON Schema's JSON, a
     * {@code .proto} file's text), or {@code null} for the latest version registered under the value subject.
     */
    public String valueSchema() {
        return valueSchema;
    }

    /**
     * The full name of the message keys are written as, with {@code keyFormat: protobuf}
     * ({@code acme.ClickKey}); {@code null} for the first message of the {@code .proto} schema.
     */
    public String keyMessageType() {
        return keyMessageType;
    }

    /**
     * The full name of the message values are written as, with {@code valueFormat: protobuf}
     * ({@code acme.Click}); {@code null} for the first message of the {@code .proto} schema.
     */
    public String valueMessageType() {
        return valueMessageType;
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
                && Objects.equals(c.keyMessageType, keyMessageType)
                && Objects.equals(c.valueMessageType, valueMessageType)
                && Objects.equals(c.schemaRegistry, schemaRegistry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(destination, bootstrapServers, keyField, properties, keyFormat, valueFormat, keySchema,
                valueSchema, keyMessageType, valueMessageType, schemaRegistry);
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
        private String keyMessageType;
        private String valueMessageType;
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

        /** With {@code keyFormat: protobuf}, the message keys are written as; {@code null} for the first. */
        public Builder keyMessageType(String value) {
            this.keyMessageType = value;
            return this;
        }

        /** With {@code valueFormat: protobuf}, the message values are written as; {@code null} for the first. */
        public Builder valueMessageType(String value) {
            this.valueMessageType = value;
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
