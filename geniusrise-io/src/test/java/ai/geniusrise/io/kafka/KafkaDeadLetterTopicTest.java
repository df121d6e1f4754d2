package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dead letters larger than a broker's default record size (1 MB), against a real embedded broker:
 * the input topic and the task's producer allow 8 MiB, as a user sending large records sets them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaDeadLetterTopicTest {

    private static final int EIGHT_MIB = 8 << 20;
    private static final Map<String, String> LARGE = Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            Integer.toString(EIGHT_MIB));
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();
    private static KafkaTopics topics;

    @BeforeAll
    static void topics() {
        topics = new KafkaTopics(KAFKA.bootstrapServers());
    }

    private static void createTopic(String topic, int maxMessageBytes) throws Exception {
        try (Admin admin = KAFKA.server().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static int maxMessageBytes(String topic) throws Exception {
        try (Admin admin = KAFKA.server().admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return Integer.parseInt(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                    .get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
        }
    }

    /** Writes {@code v0}..{@code v<count-1>} to {@code topic}, with {@code poison} in place of {@code v<at>}. */
    private static void produce(String topic, int count, int at, byte[] poisonKey, String poison) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EIGHT_MIB, ProducerConfig.BUFFER_MEMORY_CONFIG, 4 * EIGHT_MIB),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                byte[] key = i == at ? poisonKey : ("k" + i).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, (i == at ? poison : "v" + i)
                        .getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** A bolt reading {@code in} (its dead letters to {@code in.dlq}) and writing {@code out}, both allowing 8 MiB. */
    private static TaskSpec bolt(String name, String in, String out) {
        return TaskSpec.builder(name, TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class).errors(ErrorPolicy.DEAD_LETTER)
                .input(StreamingInputConfig.builder(in).bootstrapServers(KAFKA.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).build())
                .output(StreamingOutputConfig.builder(out).bootstrapServers(KAFKA.bootstrapServers()).properties(LARGE)
                        .build())
                .build();
    }

    private static void awaitCommitted(String group, long total, RunningTask task) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (System.nanoTime() < deadline && !task.result.isDone()) {
            if (topics.committed(group).values().stream().mapToLong(Long::longValue).sum() >= total) {
                return;
            }
            Thread.sleep(100);
        }
        task.result.getNow(null); // throws the task's failure, if that is why it stopped
        throw new AssertionError("group " + group + " did not commit " + total + " records in time: "
                + topics.committed(group));
    }

    /**
     * Runs the bolt {@code name} over {@code <name>-in}, holding one poison record among {@code records},
     * until it has committed them all (the task goes on past the poison record); then stops it.
     */
    private static void runPastOnePoisonRecord(String name, int records) throws Exception {
        try (RunningTask task = RunningTask.start(bolt(name, name + "-in", name + "-out"), new UppercaseBolt())) {
            awaitCommitted("test." + name, records, task);
            RunSummary summary = task.stop(Duration.ofSeconds(30));
            assertThat(summary.deadLettered()).isEqualTo(1);
            assertThat(summary.recordsOut()).isEqualTo(records - 1);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aTwoMegabytePoisonRecordLandsWholeInTheDeadLetterTopicTheTaskCreatesAndTheTaskGoesOn() throws Exception {
        createTopic("big-in", EIGHT_MIB);
        createTopic("big-out", EIGHT_MIB);
        String poison = "poison " + "x".repeat(2 << 20);
        produce("big-in", 200, 120, "k120".getBytes(StandardCharsets.UTF_8), poison);

        runPastOnePoisonRecord("big", 200);
        assertThat(maxMessageBytes("big-in.dlq")).as("the dead-letter topic holds what the input holds, and headers")
                .isGreaterThanOrEqualTo(EIGHT_MIB + KafkaClients.DEAD_LETTER_HEADROOM);
        List<ConsumerRecord<byte[], byte[]>> letters = topics.read("big-in.dlq", false, 1, Duration.ofSeconds(20));
        assertThat(letters).hasSize(1);
        assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(poison);
        assertThat(header(letters.get(0), "geniusrise.value.truncated")).isNull();
        assertThat(header(letters.get(0), "geniusrise.source.offset")).isEqualTo("120");
        assertThat(header(letters.get(0), "geniusrise.error.message")).as("the bolt's message names the whole value")
                .hasSizeLessThan(5_000).startsWith("poisoned value poison xxx");
        assertThat(topics.read("big-out", false, 200, Duration.ofSeconds(3))).hasSize(199);
    }

    @Test
    void aDeadLetterLargerThanTheDeadLetterTopicHoldsIsSentCutToFitWithHeadersSayingSoAndTheTaskGoesOn()
            throws Exception {
        createTopic("cut-in", EIGHT_MIB);
        createTopic("cut-out", EIGHT_MIB);
        createTopic("cut-in.dlq", 200_000); // made by someone else, smaller than the input's records
        String poison = "poison " + "y".repeat(500_000);
        produce("cut-in", 100, 42, "k42".getBytes(StandardCharsets.UTF_8), poison);

        runPastOnePoisonRecord("cut", 100);
        List<ConsumerRecord<byte[], byte[]>> letters = topics.read("cut-in.dlq", false, 1, Duration.ofSeconds(20));
        assertThat(letters).hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = letters.get(0);
        assertThat(letter.value().length).isPositive().isLessThan(200_000);
        assertThat(poison).startsWith(new String(letter.value(), StandardCharsets.UTF_8));
        assertThat(header(letter, "geniusrise.value.truncated")).isEqualTo("true");
        assertThat(header(letter, "geniusrise.value.bytes")).isEqualTo(Integer.toString(poison.length()));
        assertThat(header(letter, "geniusrise.source.topic")).isEqualTo("cut-in");
        assertThat(header(letter, "geniusrise.source.offset")).isEqualTo("42");
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("k42");
        assertThat(topics.read("cut-out", false, 100, Duration.ofSeconds(3))).hasSize(99);
    }

    @Test
    void aSendTheDeadLetterTopicRefusesFailsTheTaskNamingThatTopicAndTheRootCause() throws Exception {
        createTopic("refuse-in", EIGHT_MIB);
        createTopic("refuse-out", EIGHT_MIB);
        createTopic("refuse-in.dlq", 10_000);
        // a key no cut of the value can make fit
        produce("refuse-in", 100, 30, "k".repeat(50_000).getBytes(StandardCharsets.UTF_8), "poison");

        RunningTask task = RunningTask.start(bolt("refuse", "refuse-in", "refuse-out"), new UppercaseBolt());
        assertThatThrownBy(() -> task.result.get(45, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("task 'refuse' could not write to Kafka topic 'refuse-in.dlq': "
                        + "RecordTooLargeException")
                .hasMessageNotContaining("Failed to close");
        task.close();
    }
}
