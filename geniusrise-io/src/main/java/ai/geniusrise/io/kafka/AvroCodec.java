package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Avro binary data in the wire format (the registry's schema type {@code AVRO}). */
final class AvroCodec extends RegistryCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A schema read from the registry and its reader. */
    private record Reader(Schema schema, GenericDatumReader<Object> reader) {
    }

    private final Map<Integer, Reader> readers = new ConcurrentHashMap<>();
    private Schema schema;
    private GenericDatumWriter<Object> writer;
    private int id = -1;

    AvroCodec(SchemaRegistryClient registry, boolean isKey) {
        super(registry, isKey);
    }

    @Override
    void settle(SchemaRegistryConfig config, String topic, String schemaText) {
        if (schemaText == null) {
            SchemaRegistryClient.Registered latest = latest(config, topic, schemaKey(), "AVRO");
            schema = new Schema.Parser().parse(latest.schema());
            id = latest.id();
        } else {
            try {
                schema = new Schema.Parser().parse(schemaText);
            } catch (SchemaParseException e) {
                throw new ConfigException(schemaKey(), "is not a valid Avro schema: " + e.getMessage());
            }
            String recordName = schema.getType() == Schema.Type.RECORD ? schema.getFullName() : null;
            id = idOf(config, subject(config, topic, recordName), schema.toString(), "AVRO", schemaKey());
        }
        writer = new GenericDatumWriter<>(schema);
    }

    @Override
    int schemaId() {
        return id;
    }

    @Override
    byte[] decode(int schemaId, byte[] wire, Position at) {
        Reader r;
        try {
            r = readers.computeIfAbsent(schemaId, this::reader);
        } catch (SchemaMismatchException e) {
            throw new SchemaMismatchException(schemaId, e.getMessage(), at, wire, e.getCause());
        }
        try {
            BinaryDecoder in = DecoderFactory.get().binaryDecoder(wire, HEADER, wire.length - HEADER, null);
            Object datum = r.reader().read(null, in);
            if (!in.isEnd()) {
                throw new IOException((wire.length - HEADER) + " bytes, more than the schema reads");
            }
            if (isKey() && r.schema().getType() == Schema.Type.STRING) {
                return datum.toString().getBytes(StandardCharsets.UTF_8);
            }
            return JSON.writeValueAsBytes(AvroJson.toJson(datum, r.schema()));
        } catch (IOException | AvroRuntimeException | ClassCastException | IndexOutOfBoundsException e) {
            throw new SchemaMismatchException(schemaId, "the " + what + " does not match its Avro schema (id "
                    + schemaId + "): " + e.getMessage(), at, wire, e);
        }
    }

    private Reader reader(int schemaId) {
        Schema s = new Schema.Parser().parse(fetch(schemaId, "AVRO", "an Avro one").schema());
        return new Reader(s, new GenericDatumReader<>(s));
    }

    @Override
    byte[] encode(byte[] json, Position at) {
        if (json == null) {
            return null;
        }
        Object datum;
        try {
            JsonNode tree = isKey() && schema.getType() == Schema.Type.STRING
                    ? JSON.getNodeFactory().textNode(new String(json, StandardCharsets.UTF_8)) : JSON.readTree(json);
            datum = AvroJson.fromJson(tree, schema);
        } catch (IOException e) {
            throw new SchemaMismatchException(id, "the " + what + " is not JSON, so it cannot be encoded with Avro "
                    + "schema id " + id + ": " + preview(json), at, json, e);
        } catch (AvroJson.Mismatch e) {
            throw new SchemaMismatchException(id, "the " + what + " does not match Avro schema id " + id + " ("
                    + schema.getFullName() + "): " + e.getMessage(), at, json, null);
        }
        ByteArrayOutputStream out = header(id, json.length + 16);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException e) {
            throw new SchemaMismatchException(id, "the " + what + " does not match Avro schema id " + id + ": "
                    + e.getMessage(), at, json, e);
        }
        return out.toByteArray();
    }
}
