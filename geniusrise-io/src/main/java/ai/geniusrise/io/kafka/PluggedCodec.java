package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.spi.SchemaCodec;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A format served by a module of its own through {@link SchemaCodec} (protobuf): the registry's
 * side (ids, subjects, the header) is done here, the data after the header by the module.
 */
final class PluggedCodec extends RegistryCodec {

    private final SchemaCodec codec;
    private final SchemaFormat format;
    private final String messageType;
    private final Map<Integer, SchemaCodec.Compiled> readers = new ConcurrentHashMap<>();
    private SchemaCodec.Compiled writer;
    private int id = -1;

    PluggedCodec(SchemaCodec codec, SchemaRegistryClient registry, boolean isKey, String messageType) {
        super(registry, isKey);
        this.codec = codec;
        this.format = codec.format();
        this.messageType = messageType;
    }

    @Override
    void settle(SchemaRegistryConfig config, String topic, String schemaText) {
        String type = format.registryType();
        if (schemaText == null) {
            SchemaRegistryClient.Registered latest = latest(config, topic, schemaKey(), type);
            writer = compile(latest.schema(), schemaKey());
            id = latest.id();
        } else {
            writer = compile(schemaText, schemaKey());
            id = idOf(config, subject(config, topic, writer.recordName()), writer.text(), type, schemaKey());
        }
    }

    private SchemaCodec.Compiled compile(String text, String key) {
        try {
            return codec.compile(text, messageType);
        } catch (ConfigException e) {
            throw new ConfigException(key, "is not a valid " + format.yamlName() + " schema: " + e.problem());
        }
    }

    @Override
    int schemaId() {
        return id;
    }

    @Override
    byte[] decode(int schemaId, byte[] wire, Position at) {
        String kind = "its " + format.yamlName() + " schema (id " + schemaId + ")";
        SchemaCodec.Compiled reader;
        try {
            reader = readers.computeIfAbsent(schemaId, this::reader);
        } catch (SchemaMismatchException e) {
            throw new SchemaMismatchException(schemaId, e.getMessage(), at, wire, e.getCause());
        }
        try {
            return reader.decode(wire, HEADER);
        } catch (SchemaCodec.Mismatch e) {
            throw new SchemaMismatchException(schemaId, "the " + what + " does not match " + kind + ": "
                    + e.getMessage(), at, wire, e);
        }
    }

    private SchemaCodec.Compiled reader(int schemaId) {
        String text = fetch(schemaId, format.registryType(), "a " + format.yamlName() + " one").schema();
        try {
            return codec.compile(text, null);
        } catch (ConfigException e) {
            throw new SchemaMismatchException(schemaId, "the " + what + " names schema id " + schemaId
                    + ", which is not a " + format.yamlName() + " schema this codec can use: " + e.problem(),
                    null, null, e);
        }
    }

    @Override
    byte[] encode(byte[] json, Position at) {
        if (json == null) {
            return null;
        }
        byte[] data;
        try {
            data = writer.encode(json);
        } catch (SchemaCodec.Mismatch e) {
            throw new SchemaMismatchException(id, "the " + what + " does not match " + format.yamlName()
                    + " schema id " + id + " (" + writer.recordName() + "): " + e.getMessage(), at, json, e);
        }
        ByteArrayOutputStream out = header(id, data.length);
        out.writeBytes(data);
        return out.toByteArray();
    }
}
