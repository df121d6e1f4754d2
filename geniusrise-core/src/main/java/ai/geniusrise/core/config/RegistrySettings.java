package ai.geniusrise.core.config;

import ai.geniusrise.core.ConfigException;

/** The checks the streaming input and output share for their schema-registry settings. */
final class RegistrySettings {

    private RegistrySettings() {
    }

    /**
     * The registry config of an input or output with these formats: {@code given}, else the
     * default when a format is set; {@code null} when none is.
     *
     * @throws ConfigException when a registry is given without a format, or a format is not supported
     */
    static SchemaRegistryConfig registry(SchemaFormat keyFormat, SchemaFormat valueFormat,
                                         SchemaRegistryConfig given) {
        if (keyFormat == null && valueFormat == null) {
            if (given != null) {
                throw new ConfigException("schemaRegistry", "is used by keyFormat or valueFormat (avro, json-schema, "
                        + "protobuf), and neither is set");
            }
            return null;
        }
        return given == null ? SchemaRegistryConfig.DEFAULT : given;
    }

    /**
     * A key or value schema text, checked against its format.
     *
     * @throws ConfigException when a schema is given without a format
     */
    static String schema(String key, String schema, SchemaFormat format, String formatKey) {
        String s = schema == null || schema.isBlank() ? null : schema.trim();
        if (s != null && format == null) {
            throw new ConfigException(key, "is the schema of " + formatKey + ", which is not set (avro, json-schema, protobuf)");
        }
        return s;
    }

    /**
     * The message a {@code protobuf} schema writes.
     *
     * @throws ConfigException when it is given and the format is not protobuf
     */
    static String messageType(String key, String messageType, SchemaFormat format, String formatKey) {
        String m = messageType == null || messageType.isBlank() ? null : messageType.trim();
        if (m != null && format != SchemaFormat.PROTOBUF) {
            throw new ConfigException(key, "names the message of a .proto schema, and " + formatKey + " is "
                    + (format == null ? "not set" : format.yamlName()) + ", not protobuf");
        }
        return m;
    }

    /** The formats for a {@code toString}: empty when none is set. */
    static String describe(SchemaFormat keyFormat, SchemaFormat valueFormat) {
        return (keyFormat == null ? "" : ", keyFormat=" + keyFormat.yamlName())
                + (valueFormat == null ? "" : ", valueFormat=" + valueFormat.yamlName());
    }
}
