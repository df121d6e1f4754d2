package ai.geniusrise.core.config;

/**
 * How the keys or values of a Kafka topic are encoded with a schema registry, in the Confluent
 * wire format: a zero byte, the schema's 4-byte id in the registry, then the encoded data. A bolt
 * reading such a topic sees each key or value as JSON; what it emits as JSON is encoded with the
 * output's schema. Without a format, keys and values pass as they are, bytes.
 */
public enum SchemaFormat {
    /** Avro binary encoding; the registry's schema type {@code AVRO}. */
    AVRO("avro", "AVRO"),
    /** JSON text checked against a JSON Schema; the registry's schema type {@code JSON}. */
    JSON_SCHEMA("json-schema", "JSON"),
    /**
     * Protocol Buffers; the registry's schema type {@code PROTOBUF}. Served by the module
     * {@code ai.geniusrise:geniusrise-protobuf}, which must be on the classpath.
     */
    PROTOBUF("protobuf", "PROTOBUF");

    private final String yamlName;
    private final String registryType;

    SchemaFormat(String yamlName, String registryType) {
        this.yamlName = yamlName;
        this.registryType = registryType;
    }

    /** The name used in pipeline files: {@code avro}, {@code json-schema}, {@code protobuf}. */
    public String yamlName() {
        return yamlName;
    }

    /** The {@code schemaType} the registry's REST API names this format by. */
    public String registryType() {
        return registryType;
    }
}
