package ai.geniusrise.examples.parquetavro;

import ai.geniusrise.examples.LocalRun;
import ai.geniusrise.examples.ParquetObjects;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import ai.geniusrise.testkit.schemaregistry.AvroWireFormat;
import ai.geniusrise.testkit.schemaregistry.EmbeddedSchemaRegistry;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs pipelines/parquet-to-avro.yaml as written, in local mode: Parquet objects written by DuckDB (an
 * independent writer) are put into the store local mode keeps in {@code .geniusrise/s3}; the run
 * starts an embedded S3 store, Kafka and schema registry, sends every row and ends; then the test reads
 * the topic from the folders the run kept, in the registry's wire format ({@link AvroWireFormat}, not
 * our adapter): every row once, keyed by its user, with the schema file's schema registered under the
 * topic's subject.
 */
@Timeout(150)
class ParquetToAvroLocalModeTest {

    private static final int ROWS = 50;

    @TempDir
    Path dir;

    @Test
    void parquetRowsOnS3BecomeAvroRecordsOfATopicInTheRegistrysWireFormat() throws Exception {
        assumeTrue(blank(System.getenv("S3_ENDPOINT")) && blank(System.getenv("KAFKA_BOOTSTRAP_SERVERS"))
                && blank(System.getenv("SCHEMA_REGISTRY_URL")), "a server is set in this environment");
        Path file = LocalRun.copyExample("parquet-to-avro.yaml", dir);
        // two objects, rows 0..29 and 30..49, written by DuckDB
        List<Path> parquet = new ArrayList<>();
        for (int[] range : new int[][] {{0, 30}, {30, ROWS}}) {
            Path p = dir.resolve("clicks-" + range[0] + ".parquet");
            ParquetObjects.write("SELECT 'u' || i AS user, CASE WHEN i % 2 = 0 THEN 'click' ELSE 'view' END AS type, "
                    + "CASE WHEN i % 5 = 0 THEN NULL ELSE '/p/' || i END AS page FROM range(" + range[0] + ", " + range[1]
                    + ") t(i)", p);
            parquet.add(p);
        }
        Path data = dir.resolve(".geniusrise");
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(data.resolve("s3")).build().start()) {
            store.client().createBucket(r -> r.bucket("archive"));
            for (Path p : parquet) {
                store.client().putObject(r -> r.bucket("archive").key("clicks/" + p.getFileName()), p);
            }
        }

        String out = LocalRun.runHere("run", file.toString());

        assertThat(out).contains("local mode: S3 at").contains("local mode: Kafka at")
                .contains("local mode: schema registry at").contains("task 'replay' done")
                .contains(ROWS + " records in, " + ROWS + " out");
        List<String> read = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(data.resolve("kafka")).build().start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                     .dataDir(data.resolve("schema-registry")).build().start()) {
            AvroWireFormat avro = new AvroWireFormat(registry.url());
            List<ConsumerRecord<byte[], byte[]>> records = EmbeddedKafka.readBytes(kafka.bootstrapServers(),
                    "clicks-replayed", ROWS + 1, Duration.ofSeconds(10));
            assertThat(records).hasSize(ROWS);
            int id = avro.latest("clicks-replayed-value").get("id").asInt();
            assertThat(avro.latest("clicks-replayed-value").get("schema").asText()).contains("\"Click\"");
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertThat(AvroWireFormat.idOf(r.value())).as("the registered schema's id").isEqualTo(id);
                GenericRecord g = avro.deserialize(r.value());
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(g.get("user").toString());
                read.add(g.get("user") + " " + g.get("type") + " " + g.get("page"));
            }
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(IntStream.range(0, ROWS).mapToObj(i -> "u" + i + " "
                + (i % 2 == 0 ? "click" : "view") + " " + (i % 5 == 0 ? null : "/p/" + i)).toList());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
