package ai.geniusrise.examples.archive;

import ai.geniusrise.examples.LocalRun;
import ai.geniusrise.testkit.BatchOutputs;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs pipelines/kafka-archive.yaml as written with {@code geniusrise run} in its own JVM, with no
 * Kafka and no S3 configured: local mode starts both, the test writes events to the topic, the run
 * stops by itself once idle, and the objects in the embedded store hold every event exactly once.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KafkaArchiveLocalModeTest {

    private static final int EVENTS = 300;

    @TempDir
    Path dir;

    @Test
    void archivesEveryEventOfTheTopicIntoObjectsNamedAfterTheirOffsets() throws Exception {
        Path file = dir.resolve("kafka-archive.yaml");
        Files.copy(Path.of("pipelines/kafka-archive.yaml"), file);
        Path log = dir.resolve("run.log");
        try (LocalRun run = LocalRun.command("run", file.toString(), "--until-idle", "12s")
                .without("KAFKA_BOOTSTRAP_SERVERS", "S3_ENDPOINT").start(log)) {
            String bootstrap = run.awaitLine(LocalRun.KAFKA_LINE).group(1);
            run.awaitLine(Pattern.compile("task 'archiver': assigned \\["));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < EVENTS; i++) {
                    producer.send(new ProducerRecord<>("events", "u" + (i % 7), "{\"n\":" + i + "}"));
                }
                producer.flush();
            }
            assertThat(run.awaitExit(Duration.ofSeconds(100))).as("the run stops once idle").isTrue();
            assertThat(run.exitValue()).as(run.output()).isZero();
        }
        assertThat(Files.readString(log)).contains("task 'archiver': stopped and committed its objects and offsets")
                .contains("task 'archiver' done");

        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(dir.resolve(".geniusrise").resolve("s3")).build()
                .start()) {
            Map<String, List<String>> objects = BatchOutputs.valuesByObject("s3://archive/events", store.options());
            assertThat(objects).isNotEmpty();
            assertThat(objects.keySet()).allMatch(name -> name.matches(
                    "events/partition=\\d+/events\\+\\d+\\+\\d{10}\\.jsonl\\.gz"), "named after topic, partition, offset");
            List<String> values = new ArrayList<>();
            objects.values().forEach(values::addAll);
            assertThat(values).containsExactlyInAnyOrderElementsOf(IntStream.range(0, EVENTS)
                    .mapToObj(i -> "{\"n\":" + i + "}").toList());
        }
    }

}
