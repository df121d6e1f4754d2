package ai.geniusrise.examples.s3replay;

import ai.geniusrise.examples.LocalRun;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import ai.geniusrise.testkit.redis.RedisExtension;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the replay example in its own JVM (state in Redis, objects in S3, records to Kafka, all
 * three in this JVM), kills it with SIGKILL at random moments while it sends, restarts it, lets
 * the last run finish; then counts every value in the topic: none is missing (at-least-once), and
 * each kill re-sent at most one checkpoint interval ({@code checkpointRecords}).
 */
@ExtendWith(S3Extension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class S3ReplayKillTest {

    private static final int OBJECTS = 6;
    private static final int LINES = 40_000;
    private static final int CHECKPOINT_RECORDS = 2_000;
    private static final int KILLS = 3;
    private static final String TOPIC = "replayed-events";

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.embedded();

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
        kafka.createTopic(TOPIC, 3);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private Path pipeline(S3Endpoint s3, String bucket) throws IOException {
        String yaml = Files.readString(Path.of("pipelines/s3-replay.yaml"))
                .replace("${S3_ENDPOINT:-}", s3.endpoint())
                .replace("${S3_ACCESS_KEY_ID:-}", s3.accessKeyId())
                .replace("${S3_SECRET_ACCESS_KEY:-}", s3.secretAccessKey())
                .replace("${S3_BUCKET:-my-bucket}", bucket)
                .replace("state: {type: memory}", "state: {type: redis, url: \"" + REDIS.url() + "\"}")
                .replace("checkpointInterval: 5s", "checkpointInterval: 1h\n        checkpointRecords: "
                        + CHECKPOINT_RECORDS);
        assertThat(yaml).contains("checkpointRecords").contains("type: redis");
        Path file = dir.resolve("s3-replay.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private LocalRun start(Path file, int round, String logicalTime) throws IOException {
        return LocalRun.command("run", file.toString(), "--logical-time", logicalTime).jvmOption("-Xmx256m")
                .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()).start(dir.resolve("child-" + round + ".log"));
    }

    private static long endOffsets() throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        }
    }

    @Test
    void sigkilledRunsLoseNoValueAndEachReSendsAtMostOneCheckpointInterval(S3Endpoint s3) throws Exception {
        String bucket = s3.createBucket("replay-kill");
        // recent event times: the broker deletes records older than its retention (7 days) by their timestamp
        String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String day = time.substring(0, 10);
        for (int o = 0; o < OBJECTS; o++) {
            int object = o;
            String body = IntStream.range(0, LINES).mapToObj(i -> "{\"user\":\"u" + (i % 97) + "\",\"n\":\"" + object
                    + "-" + i + "\",\"time\":\"" + time + "\"}").collect(Collectors.joining("\n", "", "\n"));
            s3.client().putObject(r -> r.bucket(bucket).key("archive/dt=" + day + "/part-" + object + ".jsonl"),
                    RequestBody.fromString(body));
        }
        Path file = pipeline(s3, bucket);
        Random random = new Random(7);
        int kills = 0;
        for (int round = 0; round < KILLS; round++) {
            long before = endOffsets();
            LocalRun child = start(file, round, time);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (endOffsets() < before + 1000 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(random.nextInt(300));
            if (!child.isAlive()) {
                break;
            }
            assertThat(child.kill()).isTrue();
            kills++;
        }
        assertThat(kills).as("runs killed while sending").isGreaterThanOrEqualTo(2);

        try (LocalRun last = start(file, KILLS, time)) {
            assertThat(last.awaitExit(Duration.ofSeconds(120))).as("the last run ends by itself").isTrue();
            String log = last.output();
            assertThat(last.exitValue()).as(log).isZero();
            assertThat(log).contains("task 'replay' done");
        }

        long stored = endOffsets();
        List<ConsumerRecord<String, String>> records = EmbeddedKafka.read(kafka.bootstrapServers(), TOPIC, (int) stored,
                Duration.ofSeconds(120));
        assertThat(records.size()).as("records read back").isEqualTo((int) stored);
        Map<String, Long> counts = records.stream().collect(Collectors.groupingBy(
                r -> r.value().substring(r.value().indexOf("\"n\":\"") + 5, r.value().indexOf("\",\"time\"")),
                Collectors.counting()));
        long missing = IntStream.range(0, OBJECTS).boxed()
                .flatMap(o -> IntStream.range(0, LINES).mapToObj(i -> o + "-" + i))
                .filter(n -> !counts.containsKey(n)).count();
        long resent = stored - counts.size();
        System.out.printf("S3ReplayKillTest: %d kills, %d records stored for %d values, %d re-sent%n", kills, stored,
                OBJECTS * LINES, resent);
        assertThat(missing).as("values lost").isZero();
        assertThat(counts).hasSize(OBJECTS * LINES);
        assertThat(resent).as("re-sent across %d kills", kills).isLessThanOrEqualTo((long) kills * CHECKPOINT_RECORDS);
    }
}
