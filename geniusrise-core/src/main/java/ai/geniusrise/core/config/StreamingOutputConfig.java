package ai.geniusrise.core.config;

import java.util.Map;
import java.util.Objects;

/**
 * A streaming output: a Kafka topic. Bootstrap servers as for {@link StreamingInputConfig}.
 * The record key is the emitted record's key, or, when {@link #keyField()} is set, that field
 * of the JSON value (a value that is not JSON, or lacks the field, keeps the record's key). {@link #properties()} pass through to the producer.
 */
public final class StreamingOutputConfig implements OutputConfig {

    private final String destination;
    private final String bootstrapServers;
    private final String keyField;
    private final Map<String, String> properties;

    private StreamingOutputConfig(Builder b) {
        this.destination = Locations.requireText("destination", b.destination, "the topic to write");
        this.bootstrapServers = StreamingInputConfig.blankToNull(b.bootstrapServers);
        this.keyField = StreamingInputConfig.blankToNull(b.keyField);
        this.properties = Map.copyOf(b.properties);
    }

    /** A builder for an output writing topic {@code destination}. */
    public static Builder builder(String destination) {
        return new Builder(destination);
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder(destination).bootstrapServers(bootstrapServers).keyField(keyField).properties(properties);
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
                && c.properties.equals(properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(destination, bootstrapServers, keyField, properties);
    }

    @Override
    public String toString() {
        return "StreamingOutputConfig{destination=" + destination + (keyField == null ? "" : ", keyField="
                + keyField) + "}";
    }

    /** Builds a {@link StreamingOutputConfig}. */
    public static final class Builder {
        private final String destination;
        private String bootstrapServers;
        private String keyField;
        private Map<String, String> properties = Map.of();

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

        /** The config; throws {@link ai.geniusrise.core.ConfigException} naming the field at fault. */
        public StreamingOutputConfig build() {
            return new StreamingOutputConfig(this);
        }
    }
}
