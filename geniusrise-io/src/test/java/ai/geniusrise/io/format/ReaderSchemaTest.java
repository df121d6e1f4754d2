package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.Format;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reader schemas on avro and parquet inputs: files written with an older schema by Avro's own
 * writer and by parquet-java's AvroParquetWriter, read with a newer one (a field added with a
 * default, a field removed, at the top and in a nested record, an int promoted to long and a float
 * to double); a reader schema the file's cannot resolve to fails naming the file and the field.
 */
@Timeout(60)
class ReaderSchemaTest {

    static final Schema V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "User", "namespace": "com.acme", "fields": [
              {"name": "id", "type": "long"},
              {"name": "name", "type": "string"},
              {"name": "visits", "type": "int"},
              {"name": "ratio", "type": "float"},
              {"name": "legacy", "type": "string"},
              {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                {"name": "city", "type": "string"}, {"name": "zip", "type": "string"}]}}]}""");

    static final String V2 = """
            {"type": "record", "name": "User", "namespace": "com.acme", "fields": [
              {"name": "id", "type": "long"},
              {"name": "name", "type": "string"},
              {"name": "visits", "type": "long"},
              {"name": "ratio", "type": "double"},
              {"name": "country", "type": "string", "default": "NL"},
              {"name": "email", "type": ["null", "string"], "default": null},
              {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                {"name": "city", "type": "string"}, {"name": "floor", "type": "int", "default": 0}]}}]}""";

    @TempDir
    Path dir;

    private static GenericRecord user(int i) {
        GenericRecord a = new GenericData.Record(V1.getField("address").schema());
        a.put("city", "city-" + i);
        a.put("zip", "10" + i);
        GenericRecord r = new GenericData.Record(V1);
        r.put("id", (long) i);
        r.put("name", "user-" + i);
        r.put("visits", i * 10);
        r.put("ratio", 0.5f * i);
        r.put("legacy", "old-" + i);
        r.put("address", a);
        return r;
    }

    /** Writes three users of V1 with the format's reference writer. */
    private void writeV1(Format format) throws IOException {
        Files.createDirectories(dir.resolve("in"));
        if (format == Format.PARQUET) {
            try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                    new LocalOutputFile(dir.resolve("in/users.parquet"))).withConf(ParquetEncoder.configuration())
                    .withDataModel(GenericData.get()).withCodecFactory(PlainCodecFactory.INSTANCE).withSchema(V1)
                    .build()) {
                for (int i = 1; i <= 3; i++) {
                    w.write(user(i));
                }
            }
        } else {
            try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(V1))) {
                w.create(V1, dir.resolve("in/users.avro").toFile());
                for (int i = 1; i <= 3; i++) {
                    w.append(user(i));
                }
            }
        }
    }

    private List<Record> read(Format format, String readerSchema) throws IOException {
        return ColumnarInteropTest.readAll(dir.resolve("in"), format,
                readerSchema == null ? Map.of() : Map.of("schema", readerSchema));
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"PARQUET", "AVRO"})
    void olderFilesAreReadWithTheReaderSchemaAddedFieldsTakingTheirDefaults(Format format) throws IOException {
        writeV1(format);

        List<Record> records = read(format, V2);

        assertThat(records).hasSize(3);
        GenericRecord g = records.get(1).as(GenericRecord.class);
        assertThat(g.getSchema()).isEqualTo(new Schema.Parser().parse(V2));
        assertThat(g.get("visits")).isEqualTo(20L);
        assertThat(g.get("ratio")).isEqualTo(1.0d);
        assertThat(g.get("country").toString()).isEqualTo("NL");
        assertThat(g.get("email")).isNull();
        assertThat(g.hasField("legacy")).isFalse();
        assertThat(records.get(1).valueAsJson().toString()).isEqualTo("{\"id\":2,\"name\":\"user-2\",\"visits\":20,"
                + "\"ratio\":1.0,\"country\":\"NL\",\"email\":null,\"address\":{\"city\":\"city-2\",\"floor\":0}}");
        // without a reader schema, the writer's
        assertThat(read(format, null).get(1).valueAsJson().has("legacy")).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"PARQUET", "AVRO"})
    void aReaderSchemaTheFileCannotResolveToFailsNamingTheFileAndTheField(Format format) throws IOException {
        writeV1(format);
        String object = format == Format.PARQUET ? "users.parquet" : "users.avro";

        String noDefault = V2.replace("{\"name\": \"floor\", \"type\": \"int\", \"default\": 0}",
                "{\"name\": \"floor\", \"type\": \"int\"}");
        assertThatThrownBy(() -> read(format, noDefault)).isInstanceOf(IOException.class)
                .hasMessageContaining("'" + object + "'")
                .hasMessageContaining("field 'address.floor' is not in the file and has no default");

        String retyped = V2.replace("{\"name\": \"name\", \"type\": \"string\"}", "{\"name\": \"name\", \"type\": \"int\"}");
        assertThatThrownBy(() -> read(format, retyped)).isInstanceOf(IOException.class)
                .hasMessageContaining("'" + object + "'").hasMessageContaining("field 'name' has another type");
    }

    @Test
    void fieldPathsOfAvrosLocations() {
        Schema s = new Schema.Parser().parse(V2);
        assertThat(ReaderSchema.field(s, "/fields/6/type/fields/1/type")).isEqualTo("address.floor");
        assertThat(ReaderSchema.field(s, "/fields/5/type/1")).isEqualTo("email");
        assertThat(ReaderSchema.field(s, "/")).isEqualTo("(the record)");
    }
}
