package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.core.spi.RecordReader;
import ai.geniusrise.io.file.FileBatchStorage;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Files written by the reference writers (parquet-java's AvroParquetWriter, Avro's own) read by us, and back. */
@Timeout(60)
class ColumnarInteropTest {

    static final Schema CLICK = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Click\",\"namespace\":\"com.acme\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"url\",\"type\":[\"null\",\"string\"],"
            + "\"default\":null},{\"name\":\"ms\",\"type\":\"int\"},{\"name\":\"tags\",\"type\":{\"type\":\"array\","
            + "\"items\":\"string\"}}]}");

    /** A user's record type, bound from the JSON form. */
    record Click(long id, String url, int ms, List<String> tags) {
    }

    @TempDir
    Path dir;

    private static GenericRecord click(int i) {
        GenericRecord r = new GenericData.Record(CLICK);
        r.put("id", (long) i);
        r.put("url", i % 4 == 0 ? null : "/p/" + i);
        r.put("ms", i * 3);
        r.put("tags", List.of("t" + i % 2));
        return r;
    }

    private List<Record> readAll(Format format) throws IOException {
        return readAll(dir.resolve("in"), format, Map.of());
    }

    /** Every record of the files under {@code folder}, read by our file input with {@code options}. */
    static List<Record> readAll(Path folder, Format format, Map<String, String> options) throws IOException {
        BatchInput in = new FileBatchStorage().openInput(BatchInputConfig.builder(folder.toString())
                .format(format).options(options).build(), null);
        List<Record> records = new ArrayList<>();
        for (String object : in.objects()) {
            try (RecordReader r = in.open(object)) {
                for (Record rec = r.next(); rec != null; rec = r.next()) {
                    records.add(rec);
                }
            }
        }
        return records;
    }

    @Test
    void parquetWrittenByParquetJavasAvroParquetWriterIsReadByOurInput() throws IOException {
        Files.createDirectories(dir.resolve("in"));
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                new LocalOutputFile(dir.resolve("in/clicks.parquet")))
                .withConf(ParquetEncoder.configuration()).withDataModel(GenericData.get())
                .withCodecFactory(PlainCodecFactory.INSTANCE).withCompressionCodec(CompressionCodecName.SNAPPY)
                .withSchema(CLICK).build()) {
            for (int i = 0; i < 1000; i++) {
                w.write(click(i));
            }
        }
        List<Record> records = readAll(Format.PARQUET);
        assertThat(records).hasSize(1000);
        Record seventh = records.get(7);
        assertThat(seventh.valueAsString()).isEqualTo("{\"id\":7,\"url\":\"/p/7\",\"ms\":21,\"tags\":[\"t1\"]}");
        assertThat(seventh.as(GenericRecord.class).getSchema().getFullName()).isEqualTo("com.acme.Click");
        assertThat(seventh.as(GenericRecord.class).get("ms")).isEqualTo(21);
        assertThat(seventh.as(Click.class)).isEqualTo(new Click(7, "/p/7", 21, List.of("t1")));
        assertThat(records.get(8).as(Click.class).url()).isNull();
        assertThat(seventh.position().toString()).contains("clicks.parquet").contains("8");
    }

    @Test
    void avroWrittenByAvrosOwnWriterIsReadByUsAndOursByAvrosReader() throws IOException {
        Files.createDirectories(dir.resolve("in"));
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(CLICK))) {
            w.create(CLICK, dir.resolve("in/clicks.avro").toFile());
            for (int i = 0; i < 500; i++) {
                w.append(click(i));
            }
        }
        List<Record> records = readAll(Format.AVRO);
        assertThat(records).hasSize(500);
        assertThat(records.get(3).as(Click.class)).isEqualTo(new Click(3, "/p/3", 9, List.of("t1")));

        // records read from avro keep their GenericRecord: written back without a schema option, the schema is theirs
        try (BatchOutput out = new FileBatchStorage().openOutput(BatchOutputConfig.builder(dir.resolve("out").toString())
                .format(Format.AVRO).compression(Compression.ZSTD).build(), null)) {
            try (PartWriter w = out.createPart("part-0")) {
                for (Record r : records) {
                    w.write(r);
                }
            }
            out.commit("r", List.of("part-0"));
        }
        List<GenericRecord> back = new ArrayList<>();
        try (DataFileReader<GenericRecord> r = new DataFileReader<>(dir.resolve("out/part-0.avro").toFile(),
                new GenericDatumReader<>())) {
            assertThat(r.getSchema()).isEqualTo(CLICK);
            assertThat(r.getMetaString("avro.codec")).isEqualTo("zstandard");
            r.forEach(back::add);
        }
        assertThat(back).hasSize(500);
        assertThat(back.get(3).get("url").toString()).isEqualTo("/p/3");
        assertThat(back.get(4).get("url")).isNull();
    }

    @Test
    void ourAvroOutputWithAnInferredSchemaIsReadByAvrosReader() throws IOException {
        try (BatchOutput out = new FileBatchStorage().openOutput(BatchOutputConfig.builder(dir.toString())
                .format(Format.AVRO).compression(Compression.SNAPPY).options(Map.of("inferRecords", "2")).build(), null)) {
            try (PartWriter w = out.createPart("p")) {
                w.write(Record.ofJson(Map.of("id", 1, "score", 1)));
                w.write(Record.ofJson(Map.of("id", 2, "score", 2.5)));
                w.write(Record.of("{\"id\":3,\"score\":null}"));
            }
            out.commit("r", List.of("p"));
        }
        try (DataFileReader<GenericRecord> r = new DataFileReader<>(dir.resolve("p.avro").toFile(),
                new GenericDatumReader<>())) {
            assertThat(r.getSchema().getField("score").schema().toString()).isEqualTo("[\"null\",\"double\"]");
            List<Object> scores = new ArrayList<>();
            r.forEach(g -> scores.add(g.get("score")));
            assertThat(scores).containsExactly(1.0, 2.5, null);
        }
    }
}
