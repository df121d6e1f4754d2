package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka→batch bolts (the Kafka→S3 interval bolt) run by the real runtime against an embedded
 * broker and an embedded S3 store or a local folder.
 */
@ExtendWith(S3Extension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaArchiveTest {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();
    private static KafkaTopics topics;

    @TempDir
    Path dir;
    private S3Endpoint s3;
    private String bucket;

    @BeforeAll
    static void topics() {
        topics = new KafkaTopics(KAFKA.bootstrapServers());
    }

    @BeforeEach
    void bucket(S3Endpoint endpoint) {
        s3 = endpoint;
        bucket = endpoint.createBucket("archive");
    }

    private static String newTopic(int partitions) {
        String topic = "archive-" + TOPICS.incrementAndGet();
        KAFKA.createTopic(topic, partitions);
        return topic;
    }

    private BatchOutputConfig.Builder s3Out(String prefix) {
        return BatchOutputConfig.builder("s3://" + bucket + "/" + prefix).options(s3.options())
                .flushInterval(Duration.ofHours(1));
    }

    private BatchOutputConfig.Builder fileOut(String folder) {
        return BatchOutputConfig.builder(dir.resolve(folder).toString()).flushInterval(Duration.ofHours(1));
    }

    private static TaskSpec.Builder archiver(String name, String topic, BatchOutputConfig out) {
        return TaskSpec.builder(name, TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(StreamingInputConfig.builder(topic).bootstrapServers(KAFKA.bootstrapServers()).build())
                .output(out);
    }

    private static long committed(String group) throws Exception {
        return topics.committed(group).values().stream().mapToLong(Long::longValue).sum();
    }

    private static void awaitCommitted(String group, long total) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            if (committed(group) >= total) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("group " + group + " did not commit " + total + " records in time: "
                + topics.committed(group));
    }

    private static void awaitMembersWithPartitions(String group, int members) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            while (System.nanoTime() < deadline) {
                long assigned = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                        .get(30, TimeUnit.SECONDS).members().stream()
                        .filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
                if (assigned >= members) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("group " + group + " did not reach " + members + " members with partitions");
    }

    private static List<String> upper(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "V" + i).toList();
    }

    @Test
    void rollsAnObjectEveryMaxRecordsNamedAfterTopicPartitionAndOffsets() throws Exception {
        String topic = newTopic(1);
        topics.produce(topic, 0, 25, i -> "v" + i);
        BatchOutputConfig out = s3Out("count").maxRecordsPerPart(10).build();
        String prefix = topic + "/partition=0/" + topic + "+0+";
        try (RunningTask task = RunningTask.start(archiver("count", topic, out).build(), new UppercaseBolt())) {
            awaitCommitted("test.count", 20);
            assertThat(Archives.published(out)).as("rolled by count while running").containsOnlyKeys(
                    prefix + "0000000000.jsonl", prefix + "0000000010.jsonl");
            RunSummary summary = task.stop(Duration.ofSeconds(20));
            assertThat(summary.recordsIn()).isEqualTo(25);
            assertThat(summary.recordsOut()).isEqualTo(25);
        }
        Map<String, List<String>> objects = Archives.published(out);
        assertThat(objects).containsOnlyKeys(prefix + "0000000000.jsonl", prefix + "0000000010.jsonl",
                prefix + "0000000020.jsonl");
        assertThat(objects.get(prefix + "0000000000.jsonl")).isEqualTo(upper(0, 10));
        assertThat(objects.get(prefix + "0000000010.jsonl")).isEqualTo(upper(10, 20));
        assertThat(objects.get(prefix + "0000000020.jsonl")).as("the rest, published on stop").isEqualTo(upper(20, 25));
        assertThat(Archives.runIds(out, topic + "+")).as("one run per object, carrying the offset range")
                .containsExactly(topic + "+0+0000000000+0000000009", topic + "+0+0000000010+0000000019",
                        topic + "+0+0000000020+0000000024");
        assertThat(topics.committed("test.count")).containsEntry(new TopicPartition(topic, 0), 25L);
    }

    @Test
    void rollsAnObjectOnceTheFlushIntervalHasPassedSinceItsFirstRecordIntoAFolder() throws Exception {
        String topic = newTopic(1);
        BatchOutputConfig out = fileOut("interval").flushInterval(Duration.ofMillis(300)).build();
        String prefix = topic + "/partition=0/" + topic + "+0+";
        try (RunningTask task = RunningTask.start(archiver("interval", topic, out).build(), new UppercaseBolt())) {
            topics.produce(topic, 0, 5, i -> "v" + i);
            awaitCommitted("test.interval", 5);
            assertThat(Archives.published(out)).containsExactly(Map.entry(prefix + "0000000000.jsonl", upper(0, 5)));
            topics.produce(topic, 5, 3, i -> "v" + i);
            awaitCommitted("test.interval", 8);
            assertThat(Archives.published(out)).as("published by time alone, the task still running")
                    .containsOnlyKeys(prefix + "0000000000.jsonl", prefix + "0000000005.jsonl");
            task.stop(Duration.ofSeconds(20));
        }
        assertThat(Files.readString(dir.resolve("interval").resolve(prefix + "0000000005.jsonl")))
                .isEqualTo("V5\nV6\nV7\n");
        assertThat(dir.resolve("interval/_geniusrise/commit-" + topic + "+0+0000000005+0000000007.json")).isRegularFile();
    }

    @Test
    void countsTheRecordsItReadsOnItsMetricsPageWhileTheirObjectIsStillOpen() throws Exception {
        String topic = newTopic(1);
        BatchOutputConfig out = fileOut("counted").build(); // rolls after an hour: nothing rolls during the test
        TaskRunner runner = TaskRunner.builder(archiver("counted", topic, out).build()).pipelineName("test")
                .task(new UppercaseBolt()).httpPort(0).build();
        try (RunningTask task = RunningTask.start(runner, "counted")) {
            topics.produce(topic, 0, 7, i -> "v" + i);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            double in = 0;
            while (System.nanoTime() < deadline && !task.result.isDone()) {
                if (runner.httpPort() > 0) {
                    in = MetricsPage.of(runner).sum("geniusrise_records_in_total");
                    if (in == 7) {
                        break;
                    }
                }
                Thread.sleep(50);
            }
            assertThat(in).as("records in on /metrics while the task runs (waited up to 30 s)").isEqualTo(7);
            assertThat(MetricsPage.of(runner).sum("geniusrise_records_out_total")).isEqualTo(7);
            assertThat(runner.progress().recordsIn()).as("records in of the task's progress").isEqualTo(7);
            assertThat(Archives.published(out)).as("the object is still open").isEmpty();
            assertThat(task.stop(Duration.ofSeconds(20)).recordsIn()).isEqualTo(7);
        }
    }

    @Test
    void rollsAnObjectOnceItHoldsMaxBytesPerPart() throws Exception {
        String topic = newTopic(1);
        topics.produce(topic, 0, 23, i -> "value-" + (1000 + i));
        BatchOutputConfig out = s3Out("size").maxBytesPerPart(50).build();
        try (RunningTask task = RunningTask.start(archiver("size", topic, out).build(), new UppercaseBolt())) {
            awaitCommitted("test.size", 20);
            task.stop(Duration.ofSeconds(20));
        }
        Map<String, List<String>> objects = Archives.published(out);
        assertThat(objects.values()).as("11 bytes a line: an object rolls at the 5th line (55 bytes)")
                .extracting(List::size).containsExactly(5, 5, 5, 5, 3);
        assertThat(Archives.values(out)).isEqualTo(IntStream.range(0, 23).mapToObj(i -> "VALUE-" + (1000 + i))
                .toList());
    }

    @Test
    void resumesAfterThePublishedObjectsWhenTheirOffsetCommitWasLost() throws Exception {
        String topic = newTopic(3);
        topics.produce(topic, 0, 300, i -> "v" + i);
        BatchOutputConfig out = fileOut("resume").maxRecordsPerPart(40).flushInterval(Duration.ofMillis(500)).build();
        TaskSpec spec = archiver("resume", topic, out).build();
        try (RunningTask first = RunningTask.start(spec, new UppercaseBolt())) {
            awaitCommitted("test.resume", 300);
            first.stop(Duration.ofSeconds(20));
        }
        // as if the process died after publishing its objects and before committing their offsets
        Map<TopicPartition, OffsetAndMetadata> rewound = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            rewound.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets("test.resume", rewound).all().get(30, TimeUnit.SECONDS);
        }
        assertThat(committed("test.resume")).isZero();

        topics.produce(topic, 300, 30, i -> "v" + i);
        try (RunningTask second = RunningTask.start(spec, new UppercaseBolt())) {
            awaitCommitted("test.resume", 330);
            RunSummary summary = second.stop(Duration.ofSeconds(20));
            assertThat(summary.recordsIn()).as("only the records after the published objects").isEqualTo(30);
        }
        assertThat(Archives.values(out)).containsExactlyInAnyOrderElementsOf(upper(0, 330));
    }

    @Test
    void neverCommitsAnOffsetBeyondTheObjectsAlreadyPublished() throws Exception {
        String topic = newTopic(3);
        BatchOutputConfig out = fileOut("order").maxRecordsPerPart(7).flushInterval(Duration.ofMillis(500)).build();
        topics.produce(topic, 0, 300, i -> "v" + i);
        Thread feeder = new Thread(() -> topics.produce(topic, 300, 2700, i -> "v" + i));
        int samples = 0;
        try (RunningTask task = RunningTask.start(archiver("order", topic, out).build(), new UppercaseBolt())) {
            feeder.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, Long> offsets = topics.committed("test.order");
                for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                    long publishedEnd = Archives.runIds(out, topic + "+" + e.getKey().partition() + "+").stream()
                            .mapToLong(id -> Long.parseLong(id.substring(id.lastIndexOf('+') + 1))).max().orElse(-1);
                    assertThat(e.getValue()).as("committed offset of %s vs. the objects published", e.getKey())
                            .isLessThanOrEqualTo(publishedEnd + 1);
                }
                samples++;
                if (offsets.values().stream().mapToLong(Long::longValue).sum() >= 3000) {
                    break;
                }
            }
            task.stop(Duration.ofSeconds(20));
        }
        feeder.join(10_000);
        assertThat(samples).as("observations made while the task ran").isGreaterThan(3);
        assertThat(Archives.values(out)).containsExactlyInAnyOrderElementsOf(upper(0, 3000));
    }

    @Test
    void aFailingRecordStopsTheTaskAfterPublishingWhatCameBeforeIt() throws Exception {
        String topic = newTopic(1);
        topics.produce(topic, 0, 20, i -> i == 15 ? "poison " + i : "v" + i);
        BatchOutputConfig out = s3Out("fails").maxRecordsPerPart(10).build();
        RunningTask task = RunningTask.start(archiver("fails", topic, out).errors(ErrorPolicy.FAIL).build(),
                new UppercaseBolt());
        assertThatThrownBy(() -> task.result.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("task 'fails' failed on the record at " + topic + "[0]@15");
        task.close();

        assertThat(topics.committed("test.fails")).containsEntry(new TopicPartition(topic, 0), 15L);
        assertThat(Archives.runIds(out, "")).containsExactly(topic + "+0+0000000000+0000000009",
                topic + "+0+0000000010+0000000014");
        assertThat(Archives.values(out)).isEqualTo(upper(0, 15));
    }

    @Test
    void deadLettersGoToTheDeadLetterTopicAndEveryOtherRecordToTheObjects() throws Exception {
        String topic = newTopic(2);
        topics.produce(topic, 0, 200, i -> i % 10 == 3 ? "poison " + i : "v" + i);
        BatchOutputConfig out = s3Out("letters").maxRecordsPerPart(30).flushInterval(Duration.ofMillis(500)).build();
        TaskSpec spec = archiver("letters", topic, out).errors(ErrorPolicy.DEAD_LETTER).build();
        try (RunningTask task = RunningTask.start(spec, new UppercaseBolt())) {
            awaitCommitted("test.letters", 200);
            RunSummary summary = task.stop(Duration.ofSeconds(20));
            assertThat(summary.deadLettered()).isEqualTo(20);
            assertThat(summary.recordsOut()).isEqualTo(180);
        }
        List<String> expected = new ArrayList<>();
        List<String> poisoned = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            (i % 10 == 3 ? poisoned : expected).add(i % 10 == 3 ? "poison " + i : "V" + i);
        }
        assertThat(Archives.values(out)).containsExactlyInAnyOrderElementsOf(expected);
        List<ConsumerRecord<byte[], byte[]>> letters = topics.read(topic + ".dlq", false, 20, Duration.ofSeconds(30));
        assertThat(KafkaTopics.values(letters)).containsExactlyInAnyOrderElementsOf(poisoned);
        assertThat(new String(letters.get(0).headers().lastHeader(KafkaStreamingOutput.H_SOURCE_TOPIC).value(),
                StandardCharsets.UTF_8)).isEqualTo(topic);
    }

    @Test
    void refusesPartitionByBecauseObjectsAreNamedAfterOffsets() {
        String topic = newTopic(1);
        BatchOutputConfig out = fileOut("partitioned").partitionBy("country").build();
        RunningTask task = RunningTask.start(archiver("partitioned", topic, out).build(), new UppercaseBolt());
        assertThatThrownBy(() -> task.result.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.outputConfig.partitionBy")
                .hasMessageContaining("objects are named after topic, partition and offsets");
        task.close();
    }

    @Test
    void membersJoiningTheGroupPublishWhatIsRevokedAndEachOffsetRangeOnce() throws Exception {
        String topic = newTopic(4);
        BatchOutputConfig out = s3Out("rebalance").maxRecordsPerPart(50).flushInterval(Duration.ofMillis(400)).build();
        TaskSpec spec = archiver("rebalance", topic, out).build();
        topics.produce(topic, 0, 1000, i -> "v" + i);
        try (RunningTask first = RunningTask.start(spec, new UppercaseBolt())) {
            awaitCommitted("test.rebalance", 200);
            try (RunningTask second = RunningTask.start(spec, new UppercaseBolt())) {
                awaitMembersWithPartitions("test.rebalance", 2);
                topics.produce(topic, 1000, 1000, i -> "v" + i);
                awaitCommitted("test.rebalance", 2000);
                RunSummary one = first.stop(Duration.ofSeconds(20));
                RunSummary two = second.stop(Duration.ofSeconds(20));
                assertThat(two.recordsIn()).as("the second member got partitions").isPositive();
                assertThat(one.recordsIn() + two.recordsIn()).as("no record read twice").isEqualTo(2000);
            }
        }
        assertThat(Archives.values(out)).containsExactlyInAnyOrderElementsOf(upper(0, 2000));
        for (int p = 0; p < 4; p++) {
            long next = 0;
            for (String id : Archives.runIds(out, topic + "+" + p + "+")) {
                String[] range = id.split("\\+");
                assertThat(Long.parseLong(range[2])).as("run %s starts where the one before ended", id).isEqualTo(next);
                next = Long.parseLong(range[3]) + 1;
            }
            assertThat(next).isEqualTo(topics.committed("test.rebalance").get(new TopicPartition(topic, p)));
        }
    }
}
