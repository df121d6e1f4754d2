package ai.geniusrise.io.columnar;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.io.file.FileBatchStorage;
import ai.geniusrise.io.s3.S3BatchStorage;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parquet written by our outputs, on local files and S3, as DuckDB reads it. */
@ExtendWith(S3Extension.class)
@Timeout(120)
class ParquetOutputTest {

    @TempDir
    Path dir;

    static Record event(int i) {
        String name = i % 10 == 0 ? "null" : "\"user-" + i + "\"";
        return Record.of(("{\"id\":" + i + ",\"name\":" + name + ",\"score\":" + (i * 0.5) + ",\"ok\":" + (i % 2 == 0)
                + ",\"tags\":[\"a\",\"t" + (i % 3) + "\"],\"geo\":{\"country\":\"FR\",\"zip\":" + (75000 + i % 20)
                + "}}").getBytes()).withPosition(Position.inObject("test", "events.jsonl", i + 1));
    }

    private static void write(BatchOutput out, String part, int records) throws IOException {
        try (PartWriter w = out.createPart(part)) {
            for (int i = 0; i < records; i++) {
                w.write(event(i));
            }
        }
        out.commit("run-1", List.of(part));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "SNAPPY", "ZSTD", "GZIP"})
    void duckDbReadsTheParquetWeWriteToLocalFiles(Compression compression) throws Exception {
        try (BatchOutput out = new FileBatchStorage().openOutput(BatchOutputConfig.builder(dir.toString())
                .format(Format.PARQUET).compression(compression).build(), null)) {
            write(out, "part-00000", 10_000);
        }
        Path file = dir.resolve("part-00000.parquet");
        assertThat(file).exists();
        checkWithDuckDb(file, 10_000);
        List<Map<String, Object>> codec = DuckDb.query("SELECT DISTINCT compression FROM parquet_metadata("
                + DuckDb.quote(file) + ")");
        assertThat(codec).extracting(r -> r.get("compression")).containsExactly(
                compression == Compression.NONE ? "UNCOMPRESSED" : compression.name());
    }

    @Test
    void duckDbReadsTheParquetWeStreamToS3(S3Endpoint s3) throws Exception {
        String bucket = s3.createBucket("parquet");
        Map<String, String> options = new HashMap<>(s3.options());
        options.put("rowGroupSize", "1MiB");
        try (BatchOutput out = new S3BatchStorage().openOutput(BatchOutputConfig.builder("s3://" + bucket + "/events")
                .format(Format.PARQUET).compression(Compression.SNAPPY).options(options).build(), null)) {
            write(out, "part-00000", 50_000);
        }
        Path local = dir.resolve("from-s3.parquet");
        s3.client().getObject(r -> r.bucket(bucket).key("events/part-00000.parquet"), local);
        checkWithDuckDb(local, 50_000);
        List<Map<String, Object>> groups = DuckDb.query("SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata("
                + DuckDb.quote(local) + ")");
        assertThat(((Number) groups.get(0).get("n")).longValue()).as("row groups of about 1 MiB").isGreaterThan(1);
    }

    private static void checkWithDuckDb(Path file, int records) throws Exception {
        assertThat(DuckDb.describe(file)).containsExactly(
                Map.entry("id", "BIGINT"), Map.entry("name", "VARCHAR"), Map.entry("score", "DOUBLE"),
                Map.entry("ok", "BOOLEAN"), Map.entry("tags", "VARCHAR[]"),
                Map.entry("geo", "STRUCT(country VARCHAR, zip BIGINT)"));
        Map<String, Object> agg = DuckDb.query("SELECT count(*) AS n, sum(id) AS ids, count(name) AS names, "
                + "sum(score) AS score, count(*) FILTER (WHERE ok) AS oks, max(geo.zip) AS zip FROM read_parquet("
                + DuckDb.quote(file) + ")").get(0);
        long n = records;
        assertThat(((Number) agg.get("n")).longValue()).isEqualTo(n);
        assertThat(((Number) agg.get("ids")).longValue()).isEqualTo(n * (n - 1) / 2);
        assertThat(((Number) agg.get("names")).longValue()).isEqualTo(n - n / 10);
        assertThat(((Number) agg.get("score")).doubleValue()).isEqualTo(n * (n - 1) / 4.0);
        assertThat(((Number) agg.get("oks")).longValue()).isEqualTo(n / 2);
        assertThat(((Number) agg.get("zip")).longValue()).isEqualTo(75019);
        Map<String, Object> row = DuckDb.query("SELECT name, tags[2] AS t, geo.country AS c FROM read_parquet("
                + DuckDb.quote(file) + ") WHERE id = 7").get(0);
        assertThat(row).containsEntry("name", "user-7").containsEntry("t", "t1").containsEntry("c", "FR");
    }

    @Test
    void aRecordThatDoesNotFitTheSchemaIsRefusedWithItsPositionAndTheRestIsWritten() throws Exception {
        String schema = "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                + "{\"name\":\"name\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
        try (BatchOutput out = new FileBatchStorage().openOutput(BatchOutputConfig.builder(dir.toString())
                .format(Format.PARQUET).options(Map.of("schema", schema)).build(), null)) {
            try (PartWriter w = out.createPart("p")) {
                w.write(Record.of("{\"id\":1,\"name\":\"a\"}"));
                assertThatThrownBy(() -> w.write(Record.of("{\"id\":\"two\"}")
                        .withPosition(Position.inObject("s3://in", "x.jsonl", 2))))
                        .isInstanceOf(RecordFormatException.class)
                        .hasMessageContaining("field 'id' does not fit the schema: expected a whole number, got string")
                        .hasMessageContaining("x.jsonl");
                assertThatThrownBy(() -> w.write(Record.of("{\"id\":3,\"extra\":true}")))
                        .hasMessageContaining("field 'extra' is not in the schema");
                w.write(Record.of("{\"id\":4}"));
            }
            out.commit("r", List.of("p"));
        }
        assertThat(DuckDb.query("SELECT id, name FROM read_parquet(" + DuckDb.quote(dir.resolve("p.parquet"))
                + ") ORDER BY id")).extracting(r -> r.get("id") + "/" + r.get("name")).containsExactly("1/a", "4/null");
    }

    @Test
    void anInferredSchemaRefusesARecordThatContradictsTheFirstOnesWithItsPosition() throws Exception {
        try (BatchOutput out = new FileBatchStorage().openOutput(BatchOutputConfig.builder(dir.toString())
                .format(Format.PARQUET).build(), null)) {
            try (PartWriter w = out.createPart("p")) {
                w.write(Record.of("{\"id\":1,\"v\":2}"));
                w.write(Record.of("{\"id\":2,\"v\":2.5}"));
                assertThatThrownBy(() -> w.write(Record.of("{\"id\":3,\"v\":\"high\"}")
                        .withPosition(Position.inObject("file:///in", "a.jsonl", 3))))
                        .isInstanceOf(RecordFormatException.class)
                        .hasMessageContaining("field 'v' is a string in this record but a number in the records "
                                + "before it")
                        .hasMessageContaining("a.jsonl");
            }
            out.commit("r", List.of("p"));
        }
        assertThat(DuckDb.describe(dir.resolve("p.parquet"))).containsEntry("v", "DOUBLE");
        assertThat(Files.size(dir.resolve("p.parquet"))).isPositive();
    }
}
