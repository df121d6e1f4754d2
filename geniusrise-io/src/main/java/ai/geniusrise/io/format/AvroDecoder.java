package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.spi.RecordReader;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

import java.io.IOException;
import java.io.InputStream;

/**
 * avro: one record per datum of an Avro object container file, streamed block by block. Each
 * record's value is the datum's JSON form and it carries the {@link GenericRecord}; positions count
 * records from 1. With a {@linkplain ReaderSchema reader schema}, the datums are resolved to it.
 */
final class AvroDecoder implements RecordReader {

    private final DataFileStream<GenericRecord> stream;
    private final InputStream in;
    private final String location;
    private final String object;
    private final AvroJson avro;
    private long n;

    /**
     * @param reader the reader schema, or {@code null} to read each file with its writer's schema
     */
    AvroDecoder(InputStream in, String location, String object, AvroJson avro, Schema reader) throws IOException {
        this.in = in;
        this.location = location;
        this.object = object;
        this.avro = avro;
        try {
            this.stream = new DataFileStream<>(in, new GenericDatumReader<>(null, reader));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw new IOException("cannot read '" + object + "' under " + location + " as an avro container file: "
                    + e.getMessage(), e);
        }
        if (reader != null) {
            try {
                ReaderSchema.check(reader, stream.getSchema(), location, object);
            } catch (IOException e) {
                close();
                throw e;
            }
        }
    }

    @Override
    public Record next() throws IOException {
        try {
            if (!stream.hasNext()) {
                return null;
            }
            GenericRecord g = stream.next();
            n++;
            return Record.of(avro.toJson(g)).withDecoded(g).withPosition(Position.inObject(location, object, n));
        } catch (AvroRuntimeException e) {
            throw new IOException("cannot read '" + object + "' under " + location + " after record " + n + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stream.close();
        } finally {
            in.close();
        }
    }
}
