package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.spi.SchemaCodec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The keys or the values of one topic in the Confluent wire format: a zero (magic) byte, the
 * schema's id in the registry as a 4-byte big-endian int, then the data encoded with that schema.
 * Decoding turns such bytes into the JSON a bolt reads; encoding turns the JSON a bolt emits into
 * such bytes with the output's schema, whose id is settled when the codec is made (registered
 * under its subject, or looked up there). Thread-safe: the members of a consumer group share one.
 */
abstract class RegistryCodec {

    static final byte MAGIC = 0;
    static final int HEADER = 5;

    final SchemaRegistryClient registry;
    final String what;

    RegistryCodec(SchemaRegistryClient registry, boolean isKey) {
        this.registry = registry;
        this.what = isKey ? "key" : "value";
    }

    /** A reading codec of {@code format}. */
    static RegistryCodec reading(SchemaFormat format, SchemaRegistryClient registry, boolean isKey) {
        return codec(format, registry, isKey, null);
    }

    /**
     * A codec of {@code format}, writing {@code messageType} for a format that has several in one
     * schema (protobuf); the formats of modules of their own are found through {@link SchemaCodec}.
     *
     * @throws ConfigException when the format's module is not on the classpath
     */
    private static RegistryCodec codec(SchemaFormat format, SchemaRegistryClient registry, boolean isKey,
                                       String messageType) {
        return switch (format) {
            case AVRO -> new AvroCodec(registry, isKey);
            case JSON_SCHEMA -> new JsonSchemaCodec(registry, isKey);
            default -> new PluggedCodec(SchemaCodec.forFormat(format, isKey ? "keyFormat" : "valueFormat"), registry,
                    isKey, messageType);
        };
    }

    /**
     * A writing codec of {@code format} for {@code topic}, its schema {@code schemaText} (or the
     * subject's latest) registered or looked up now; {@code messageType} is the message a protobuf
     * schema writes (null: its first).
     *
     * @throws ConfigException when the schema is not valid, not registered (and may not be), or refused
     */
    static RegistryCodec writing(SchemaFormat format, SchemaRegistryClient registry, SchemaRegistryConfig config,
                                 String topic, boolean isKey, String schemaText, String messageType) {
        RegistryCodec codec = codec(format, registry, isKey, messageType);
        codec.settle(config, topic, schemaText);
        return codec;
    }

    /** Settles the schema this codec writes with. */
    abstract void settle(SchemaRegistryConfig config, String topic, String schemaText);

    /** The JSON (for a key with a {@code string} schema: the text) of {@code wire}, read at {@code at}. */
    final byte[] decode(byte[] wire, Position at) {
        if (wire == null) {
            return null;
        }
        if (wire.length < HEADER || wire[0] != MAGIC) {
            throw new SchemaMismatchException(-1, "the " + what + " is not in the schema registry's wire format: "
                    + (wire.length < HEADER ? "it has " + wire.length + " bytes, fewer than the 5 of the header"
                    : "its first byte is " + wire[0] + ", not the magic byte 0"), at, wire, null);
        }
        int id = ByteBuffer.wrap(wire, 1, 4).getInt();
        return decode(id, wire, at);
    }

    abstract byte[] decode(int id, byte[] wire, Position at);

    /** The wire bytes of {@code json} (a key's text when its schema is {@code string}), emitted at {@code at}. */
    abstract byte[] encode(byte[] json, Position at);

    /** The id of the schema this codec writes with. */
    abstract int schemaId();

    /** Whether this codec encodes and decodes keys. */
    final boolean isKey() {
        return what.equals("key");
    }

    /** The output config's key naming this codec's schema: {@code keySchema} or {@code valueSchema}. */
    final String schemaKey() {
        return what + "Schema";
    }

    /**
     * The subject an output registers its schema naming {@code recordName} under (null when the
     * schema names none).
     *
     * @throws ConfigException when the strategy needs a record name and the schema has none
     */
    final String subject(SchemaRegistryConfig config, String topic, String recordName) {
        try {
            return config.subjectNameStrategy().subject(topic, isKey(), recordName);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("schemaRegistry.subjectNameStrategy", e.getMessage());
        }
    }

    /**
     * The schema with id {@code schemaId}, which must be of {@code type} ({@code kind} names it in
     * a message: "an Avro one").
     *
     * @throws SchemaMismatchException when the registry holds no such id, or a schema of another type
     */
    final SchemaRegistryClient.Registered fetch(int schemaId, String type, String kind) {
        SchemaRegistryClient.Registered registered;
        try {
            registered = registry.schemaById(schemaId);
        } catch (SchemaRegistryClient.RegistryError e) {
            if (e.status() == 404) {
                throw new SchemaMismatchException(schemaId, "the " + what + " names schema id " + schemaId
                        + ", which the schema registry at " + registry.url() + " does not hold", null, null, e);
            }
            throw e;
        }
        if (!registered.type().equals(type)) {
            throw new SchemaMismatchException(schemaId, "the " + what + " names schema id " + schemaId + ", a "
                    + registered.type() + " schema, not " + kind, null, null, null);
        }
        return registered;
    }

    /** A new buffer holding the wire format's header for schema {@code id}, room for {@code size} more bytes. */
    static ByteArrayOutputStream header(int id, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER + size);
        out.write(MAGIC);
        out.writeBytes(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        return out;
    }

    /** A value's bytes as text for a message: its first characters. */
    static String preview(byte[] bytes) {
        String s = new String(bytes, 0, Math.min(bytes.length, 80), StandardCharsets.UTF_8);
        return bytes.length > 80 ? s + "..." : s;
    }

    /**
     * The id of {@code schema} of {@code type} under {@code subject}: registered when the config
     * says so, else looked up.
     */
    final int idOf(SchemaRegistryConfig config, String subject, String schema, String type, String schemaKey) {
        try {
            return config.autoRegister() ? registry.register(subject, schema, type)
                    : registry.lookUp(subject, schema, type);
        } catch (SchemaRegistryClient.RegistryError e) {
            if (!config.autoRegister() && e.status() == 404) {
                throw new ConfigException(schemaKey, "this schema is not registered under the subject '" + subject
                        + "' in the schema registry at " + registry.url() + ", and schemaRegistry.autoRegister is "
                        + "false: register it first, or set autoRegister: true");
            }
            throw new ConfigException(schemaKey, "the schema registry refused this schema under the subject '"
                    + subject + "': " + e.getMessage());
        }
    }

    /** The latest schema under {@code subject}, for an output without a schema of its own. */
    final SchemaRegistryClient.Registered latest(SchemaRegistryConfig config, String topic, String schemaKey,
                                                String type) {
        if (config.subjectNameStrategy() != SchemaRegistryConfig.SubjectNameStrategy.TOPIC) {
            throw new ConfigException(schemaKey, "is needed with subjectNameStrategy "
                    + config.subjectNameStrategy().yamlName() + ": the subject is named after the schema's record");
        }
        String subject = config.subjectNameStrategy().subject(topic, what.equals("key"), null);
        try {
            SchemaRegistryClient.Registered latest = registry.latest(subject);
            if (!latest.type().equals(type)) {
                throw new ConfigException(schemaKey, "the latest schema under the subject '" + subject + "' is of type "
                        + latest.type() + ", not " + type);
            }
            return latest;
        } catch (SchemaRegistryClient.RegistryError e) {
            throw new ConfigException(schemaKey, "is not set, and no schema is registered under the subject '"
                    + subject + "' in the schema registry at " + registry.url() + " (" + e.getMessage()
                    + "); set " + schemaKey + " or register one");
        }
    }
}
