package ai.geniusrise.examples.avroarchive;

import ai.geniusrise.examples.LocalRun;
import ai.geniusrise.examples.ParquetObjects;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import ai.geniusrise.testkit.schemaregistry.AvroWireFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs pipelines/avro-archive.yaml as written, in local mode with no Kafka, S3 or registry
 * configured: local mode starts all three; the test writes Avro clicks in the registry's wire format
 * ({@link AvroWireFormat}, independent of our Kafka adapter) and one value that is not Avro, the run
 * stops by itself once idle, and DuckDB, reading the Parquet objects downloaded from the store the
 * run kept, finds every click exactly once with its values, in objects named after their offsets.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AvroArchiveLocalModeTest {

    private static final int CLICKS = 300;
    private static final Pattern REGISTRY_LINE = Pattern.compile("local mode: schema registry at (\\S+) ");

    @TempDir
    Path dir;

    @Test
    void archivesAvroClicksOfTheTopicToParquetOnS3EachExactlyOnce() throws Exception {
        Path file = LocalRun.copyExample("avro-archive.yaml", dir);
        Schema click = new Schema.Parser().parse(dir.resolve("schemas/click.avsc").toFile());
        Path log = dir.resolve("run.log");
        try (LocalRun run = LocalRun.command("run", file.toString(), "--until-idle", "30s")
                .without("KAFKA_BOOTSTRAP_SERVERS", "S3_ENDPOINT", "SCHEMA_REGISTRY_URL").start(log)) {
            String bootstrap = run.awaitLine(LocalRun.KAFKA_LINE).group(1);
            int id = new AvroWireFormat(run.awaitLine(REGISTRY_LINE).group(1)).register("clicks-avro-value", click);
            run.awaitLine(Pattern.compile("task 'archiver': assigned \\["));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < CLICKS; i++) {
                    GenericRecord r = new GenericData.Record(click);
                    r.put("user", "u" + i);
                    r.put("type", i % 2 == 0 ? "click" : "view");
                    r.put("page", i % 5 == 0 ? null : "/p/" + i);
                    producer.send(new ProducerRecord<>("clicks-avro", null, AvroWireFormat.serialize(id, r)));
                    if (i == CLICKS / 2) {
                        producer.send(new ProducerRecord<>("clicks-avro", null, "{\"user\":\"json\"}".getBytes(
                                StandardCharsets.UTF_8)));
                    }
                }
                producer.flush();
            }
            assertThat(run.awaitExit(Duration.ofSeconds(150))).as("the run stops once idle").isTrue();
            assertThat(run.exitValue()).as(run.output()).isZero();
        }
        assertThat(Files.readString(log)).contains("task 'archiver': stopped and committed its objects and offsets")
                .contains("task 'archiver' done");

        Path data = dir.resolve(".geniusrise");
        Path local = dir.resolve("downloaded");
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(data.resolve("s3")).build().start()) {
            assertThat(ParquetObjects.download(store, "archive", "clicks/", local)).as(Files.readString(log))
                    .isNotEmpty().allMatch(name -> name
                    .matches("clicks/clicks-avro/partition=0/clicks-avro\\+0\\+\\d{10}\\.parquet"), "named after offsets");
        }
        String files = "read_parquet('" + local + "/**/*.parquet', hive_partitioning = false)";
        assertThat(ParquetObjects.query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + files + ")"))
                .containsExactly("user VARCHAR", "type VARCHAR", "page VARCHAR");
        assertThat(ParquetObjects.query("SELECT count(*), count(DISTINCT user), count(page), count(*) FILTER "
                + "(WHERE type = 'click'), sum(CAST(substr(user, 2) AS INTEGER)), count(*) FILTER (WHERE page = '/p/' "
                + "|| substr(user, 2)) FROM " + files))
                .as("each click exactly once, with its values").containsExactly(CLICKS + " " + CLICKS + " " + CLICKS * 4 / 5
                        + " " + CLICKS / 2 + " " + CLICKS * (CLICKS - 1) / 2 + " " + CLICKS * 4 / 5);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(data.resolve("kafka")).build().start()) {
            List<ConsumerRecord<byte[], byte[]>> letters = EmbeddedKafka.readBytes(kafka.bootstrapServers(),
                    "clicks-avro.dlq", 1, Duration.ofSeconds(30));
            assertThat(letters).hasSize(1);
            assertThat(new String(letters.get(0).headers().lastHeader("geniusrise.reason").value(),
                    StandardCharsets.UTF_8)).contains("not in the schema registry's wire format");
        }
    }
}
