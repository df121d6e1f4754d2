package ai.geniusrise.examples.s3replay;

import ai.geniusrise.cli.GeniusriseCommand;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the S3 → Kafka replay example (pipelines/s3-replay.yaml) as written, in local mode: the
 * archive is put into the store local mode keeps in {@code .geniusrise/s3}, the run starts an
 * embedded S3 store and Kafka broker, sends the logical day's objects and ends like a batch task;
 * then the test reads the topic from the broker's folder.
 */
@Timeout(150)
class S3ReplayLocalModeTest {

    @TempDir
    Path dir;

    @Test
    void theReplayerSendsTheLogicalDaysEventsKeyedAndTimestampedThenEnds() throws Exception {
        assumeTrue(blank(System.getenv("S3_ENDPOINT")) && blank(System.getenv("KAFKA_BOOTSTRAP_SERVERS")),
                "S3_ENDPOINT or KAFKA_BOOTSTRAP_SERVERS is set in this environment");
        // recent event times: the broker deletes records older than its retention (7 days) by their timestamp
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant earlier = now.minusSeconds(90);
        String today = now.toString().substring(0, 10);
        String yesterday = now.minus(1, ChronoUnit.DAYS).toString().substring(0, 10);
        Path file = dir.resolve("s3-replay.yaml");
        Files.copy(Path.of("pipelines/s3-replay.yaml"), file);
        Path data = dir.resolve(".geniusrise");
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(data.resolve("s3")).build().start()) {
            store.client().createBucket(r -> r.bucket("my-bucket"));
            store.client().putObject(r -> r.bucket("my-bucket").key("archive/dt=" + today + "/part-0.jsonl"),
                    RequestBody.fromString("""
                            {"user":"ada","type":"click","time":"%s"}
                            {"user":"bob","type":"view","time":%d}
                            {"user":"cy","type":"click","time":"yesterday"}
                            """.formatted(earlier, now.toEpochMilli())));
            store.client().putObject(r -> r.bucket("my-bucket").key("archive/dt=" + yesterday + "/part-0.jsonl"),
                    RequestBody.fromString("{\"user\":\"old\",\"time\":\"" + earlier + "\"}\n"));
        }

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GeniusriseCommand.execute(new String[] {"run", file.toString(), "--logical-time",
                now.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("local mode: Kafka at").contains("local mode: S3 at")
                .contains("task 'replay' done").contains("2 out, 1 dead-lettered");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(data.resolve("kafka")).build().start()) {
            List<ConsumerRecord<String, String>> events = kafka.read("replayed-events", 2);
            assertThat(events).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("ada", "bob");
            assertThat(events).extracting(ConsumerRecord::timestamp).containsExactlyInAnyOrder(
                    earlier.toEpochMilli(), now.toEpochMilli());
            assertThat(kafka.read("replayed-events.dlq", 1)).extracting(ConsumerRecord::value)
                    .singleElement().asString().contains("\"cy\"");
        }

        // as the README says: a second run sends only the objects no earlier run sent, here none
        StringWriter again = new StringWriter();
        int second = GeniusriseCommand.execute(new String[] {"run", file.toString(), "--logical-time",
                now.toString()}, new PrintWriter(again, true), new PrintWriter(err, true));

        assertThat(second).as(again + "\n" + err).isZero();
        assertThat(again.toString()).contains("local mode: state of tasks with stateConfig {type: memory} kept in "
                + data.resolve("state")).contains("task 'replay' done").contains(": 0 records in, 0 out");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(data.resolve("kafka")).build().start()) {
            assertThat(EmbeddedKafka.read(kafka.bootstrapServers(), "replayed-events", 3, Duration.ofSeconds(5)))
                    .as("records on the topic after two runs").hasSize(2);
            assertThat(EmbeddedKafka.read(kafka.bootstrapServers(), "replayed-events.dlq", 2, Duration.ofSeconds(5)))
                    .as("dead letters after two runs").hasSize(1);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
