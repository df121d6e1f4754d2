package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.core.spi.RecordReader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures: encode to and decode from byte arrays. */
final class Codecs {

    static final String LOCATION = "file:///data/in";

    private Codecs() {
    }

    static byte[] encode(RecordCodec codec, Compression compression, List<Record> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PartWriter w = codec.writer(out, compression)) {
            for (Record r : records) {
                w.write(r);
            }
        }
        return out.toByteArray();
    }

    static RecordReader reader(RecordCodec codec, String object, byte[] bytes) throws IOException {
        return codec.reader(new ByteArrayInputStream(bytes), LOCATION, object, Compression.AUTO);
    }

    static RecordReader reader(RecordCodec codec, String text) throws IOException {
        return reader(codec, "obj", text.getBytes(StandardCharsets.UTF_8));
    }

    /** Every record, failing on the first format error. */
    static List<Record> readAll(RecordReader reader) throws IOException {
        List<Record> out = new ArrayList<>();
        try (reader) {
            for (Record r = reader.next(); r != null; r = reader.next()) {
                out.add(r);
            }
        }
        return out;
    }

    /** Records and format errors in the order met, reading on past each error. */
    static List<Object> readAllWithErrors(RecordReader reader) throws IOException {
        List<Object> out = new ArrayList<>();
        try (reader) {
            while (true) {
                try {
                    Record r = reader.next();
                    if (r == null) {
                        return out;
                    }
                    out.add(r);
                } catch (RecordFormatException e) {
                    out.add(e);
                }
            }
        }
    }

    static List<String> values(List<Record> records) {
        return records.stream().map(Record::valueAsString).toList();
    }

    static List<Long> lines(List<Record> records) {
        return records.stream().map(r -> ((ai.geniusrise.core.Position.InObject) r.position()).index()).toList();
    }
}
