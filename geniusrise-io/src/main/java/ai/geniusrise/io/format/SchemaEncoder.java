package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.spi.PartWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The common part of the parquet and avro encoders: turns each record into an Avro record of the
 * output's schema (the record's own {@code GenericRecord} when it carries one of that schema,
 * else its JSON value converted), and holds the first records back while the schema is being
 * inferred. A record that does not fit raises {@link RecordFormatException} before anything of it
 * is written, so the task's error policy can skip it. {@link #bytesWritten()} counts the records'
 * JSON bytes (what a part's size limit is measured in). Not thread-safe.
 */
abstract class SchemaEncoder implements PartWriter {

    private final OutputStream out;
    private final OutputSchema schemas;
    private final ObjectMapper json;
    private final AvroJson avro;
    private final List<Object[]> held = new ArrayList<>();
    private Schema schema;
    private long bytes;
    private boolean closed;

    SchemaEncoder(OutputStream out, OutputSchema schemas, ObjectMapper json, AvroJson avro) {
        this.out = out;
        this.schemas = schemas;
        this.json = json;
        this.avro = avro;
    }

    @Override
    public final void write(Record record) throws IOException {
        if (closed) {
            throw new IOException("part writer is closed");
        }
        if (schema == null) {
            Schema known = schemas.schema();
            if (known == null && record.decoded() instanceof GenericRecord g) {
                known = schemas.adopt(g.getSchema());
            }
            if (known == null) {
                JsonNode node = parse(record);
                known = schemas.observe(node, record.position());
                held.add(new Object[] {record, node});
                bytes += record.value().length;
                if (known == null) {
                    return;
                }
                start(known);
                return;
            }
            start(known);
        }
        GenericRecord g = toAvro(record, null);
        bytes += record.value().length;
        append(g);
    }

    private JsonNode parse(Record record) {
        try {
            return json.readTree(record.value());
        } catch (IOException e) {
            throw new RecordFormatException("value is not JSON, so it cannot be written as parquet or avro: "
                    + RecordFormatException.describe(e), record.position(), record.value(), e);
        }
    }

    private GenericRecord toAvro(Record record, JsonNode parsed) {
        if (record.decoded() instanceof GenericRecord g && g.getSchema().equals(schema)) {
            return g;
        }
        if (parsed == null) {
            GenericRecord read = avro.readRecord(record.value(), schema);
            if (read != null) {
                return read;
            }
        }
        return avro.toRecord(parsed != null ? parsed : parse(record), schema, record.position());
    }

    private void start(Schema s) throws IOException {
        schema = s;
        open(s);
        for (Object[] h : held) {
            append(toAvro((Record) h[0], (JsonNode) h[1]));
        }
        held.clear();
    }

    /** Starts the file with its schema. */
    abstract void open(Schema s) throws IOException;

    /** Appends one record of the schema. */
    abstract void append(GenericRecord record) throws IOException;

    /** Finishes the file (footer, last block); the stream is closed after. */
    abstract void finish() throws IOException;

    @Override
    public final long bytesWritten() {
        return bytes;
    }

    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (schema == null) {
                Schema s = schemas.fix();
                if (s == null) {
                    // no record at all: an empty part still gets a valid file, of an empty record schema
                    s = Schema.createRecord("Record", null, "ai.geniusrise.inferred", false, List.of());
                }
                start(s);
            }
            finish();
        } finally {
            out.close();
        }
    }
}
