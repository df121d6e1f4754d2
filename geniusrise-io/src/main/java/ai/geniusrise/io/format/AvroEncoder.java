package ai.geniusrise.io.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * avro: an Avro object container file of the output's schema, in blocks of about 64 KiB. The sync
 * marker, random in Avro's own writer, is derived from the schema here, so that a rerun writes the
 * same bytes (the batch promise of byte-identical output after a crash).
 */
final class AvroEncoder extends SchemaEncoder {

    private final OutputStream out;
    private final CodecFactory codec;
    private DataFileWriter<GenericRecord> writer;

    AvroEncoder(OutputStream out, OutputSchema schemas, CodecFactory codec, ObjectMapper json, AvroJson avro) {
        super(out, schemas, json, avro);
        this.out = out;
        this.codec = codec;
    }

    @Override
    void open(Schema s) throws IOException {
        writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(s));
        writer.setCodec(codec);
        writer.create(s, out, sync(s));
    }

    private static byte[] sync(Schema s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    void append(GenericRecord record) throws IOException {
        writer.append(record);
    }

    @Override
    void finish() throws IOException {
        writer.close();
    }
}
