package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Kafka bridge copying a topic of one cluster to a topic of another, run by the real runtime. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaBridgeSpoutTest {

    @RegisterExtension
    static final KafkaExtension SOURCE = new KafkaExtension();

    @RegisterExtension
    static final KafkaExtension TARGET = new KafkaExtension();

    private static TaskSpec bridge(String name, String from, String to) {
        return TaskSpec.builder(name, TaskSpec.Kind.SPOUT).taskClass(KafkaBridgeSpout.class)
                .input(StreamingInputConfig.builder(from).bootstrapServers(SOURCE.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).build())
                .output(StreamingOutputConfig.builder(to).bootstrapServers(TARGET.bootstrapServers()).build())
                .build();
    }

    @Test
    void copiesEveryRecordToTheOtherClusterKeepingKeysHeadersAndTimestamps() throws Exception {
        SOURCE.createTopic("copy-src", 3);
        TARGET.createTopic("copy-dst", 3);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SOURCE.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>("copy-src", null, 1_700_000_000_000L, "key-1".getBytes(StandardCharsets.UTF_8),
                    "hello".getBytes(StandardCharsets.UTF_8),
                    List.of(new RecordHeader("trace", "abc".getBytes(StandardCharsets.UTF_8))))).get();
        }
        new KafkaTopics(SOURCE.bootstrapServers()).produce("copy-src", 0, 4999, i -> "c" + i);

        try (RunningTask task = RunningTask.start(bridge("copier", "copy-src", "copy-dst"), new KafkaBridgeSpout())) {
            List<ConsumerRecord<byte[], byte[]>> out = new KafkaTopics(TARGET.bootstrapServers())
                    .read("copy-dst", false, 5000, Duration.ofSeconds(30));
            RunSummary summary = task.stop(Duration.ofSeconds(20));

            assertThat(KafkaTopics.values(out)).hasSize(5000).doesNotHaveDuplicates().contains("hello", "c0", "c4998");
            ConsumerRecord<byte[], byte[]> hello = out.stream()
                    .filter(r -> new String(r.value(), StandardCharsets.UTF_8).equals("hello")).findFirst().orElseThrow();
            assertThat(new String(hello.key(), StandardCharsets.UTF_8)).isEqualTo("key-1");
            assertThat(hello.timestamp()).isEqualTo(1_700_000_000_000L);
            assertThat(new String(hello.headers().lastHeader("trace").value(), StandardCharsets.UTF_8)).isEqualTo("abc");
            assertThat(summary.recordsOut()).isEqualTo(5000);
        }
        assertThat(new KafkaTopics(SOURCE.bootstrapServers()).committed("test.copier").values().stream()
                .mapToLong(Long::longValue).sum()).as("source offsets, committed on the source cluster").isEqualTo(5000);
    }

    @Test
    void aRestartedBridgeGoesOnFromItsCommittedOffsetsLosingAndRepeatingNothing() throws Exception {
        SOURCE.createTopic("again-src", 2);
        TARGET.createTopic("again-dst", 2);
        KafkaTopics source = new KafkaTopics(SOURCE.bootstrapServers());
        KafkaTopics target = new KafkaTopics(TARGET.bootstrapServers());
        TaskSpec spec = bridge("again", "again-src", "again-dst");
        source.produce("again-src", 0, 3000, i -> "a" + i);
        try (RunningTask first = RunningTask.start(spec, new KafkaBridgeSpout())) {
            assertThat(target.read("again-dst", false, 3000, Duration.ofSeconds(30))).hasSize(3000);
            first.stop(Duration.ofSeconds(20));
        }
        source.produce("again-src", 3000, 2000, i -> "a" + i);
        try (RunningTask second = RunningTask.start(spec, new KafkaBridgeSpout())) {
            List<String> values = KafkaTopics.values(target.read("again-dst", false, 5000, Duration.ofSeconds(30)));
            RunSummary summary = second.stop(Duration.ofSeconds(20));
            assertThat(summary.recordsOut()).as("the second run copies only the new records").isEqualTo(2000);
            assertThat(values).hasSize(5000).doesNotHaveDuplicates();
        }
        assertThat(target.read("again-dst", false, 5001, Duration.ofSeconds(2))).hasSize(5000);
    }

    @Test
    void aSpoutWithoutClassReadingABareTopicRunsTheBuiltInBridge() throws Exception {
        SOURCE.createTopic("plain-src", 2);
        TARGET.createTopic("plain-dst", 2);
        new KafkaTopics(SOURCE.bootstrapServers()).produce("plain-src", 0, 1000, i -> "p" + i);
        TaskSpec classless = bridge("plain", "plain-src", "plain-dst").toBuilder().className(null).build();
        assertThat(classless.className()).isNull();

        try (RunningTask task = RunningTask.start(TaskRunner.builder(classless).pipelineName("test").build(),
                "plain")) {
            List<String> values = KafkaTopics.values(new KafkaTopics(TARGET.bootstrapServers())
                    .read("plain-dst", false, 1000, Duration.ofSeconds(30)));
            RunSummary summary = task.stop(Duration.ofSeconds(20));
            assertThat(values).hasSize(1000).doesNotHaveDuplicates().contains("p0", "p999");
            assertThat(summary.recordsOut()).isEqualTo(1000);
        }
    }

    @Test
    void aMissingSourceTopicIsAConfigErrorAtTheSource() {
        TARGET.createTopic("nowhere-dst", 1);
        RunningTask task = RunningTask.start(bridge("lost", "no-such-topic", "nowhere-dst"), new KafkaBridgeSpout());
        assertThatThrownBy(() -> task.result.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.inputConfig.source")
                .hasMessageContaining("topic 'no-such-topic' does not exist");
        task.close();
    }
}
