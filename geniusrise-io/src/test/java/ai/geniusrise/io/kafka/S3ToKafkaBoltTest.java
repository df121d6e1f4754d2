package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.io.SharedMemoryState;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** S3 → Kafka bolts run by the real runtime: objects from an embedded S3 store, records to an embedded broker. */
@ExtendWith(S3Extension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class S3ToKafkaBoltTest {

    private static final AtomicInteger N = new AtomicInteger();
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();
    private static KafkaTopics topics;

    S3Endpoint s3;
    String bucket;
    String topic;
    String state;

    @BeforeAll
    static void topics() {
        topics = new KafkaTopics(KAFKA.bootstrapServers());
    }

    @BeforeEach
    void prepare(S3Endpoint endpoint) {
        s3 = endpoint;
        int n = N.incrementAndGet();
        bucket = endpoint.createBucket("replay");
        topic = "replayed-" + n;
        state = "s3-to-kafka-" + n;
        KAFKA.createTopic(topic, 2);
    }

    private void put(String key, int lines, String tag) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append(tag).append('-').append(i).append('\n');
        }
        s3.client().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(sb.toString(), StandardCharsets.UTF_8));
    }

    private TaskSpec spec(BatchInputConfig.Builder in, ErrorPolicy errors) {
        return TaskSpec.builder("replay", TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(in.options(s3.options()).build())
                .output(StreamingOutputConfig.builder(topic).bootstrapServers(KAFKA.bootstrapServers()).build())
                .state(SharedMemoryState.config(state)).errors(errors).build();
    }

    private BatchInputConfig.Builder input() {
        return BatchInputConfig.builder("s3://" + bucket + "/in").format(ai.geniusrise.core.config.Format.TEXT);
    }

    private static RunSummary run(TaskSpec spec) {
        return TaskRunner.builder(spec).pipelineName("test").task(new UppercaseBolt()).build().run();
    }

    private List<String> topicValues(int atLeast) {
        return KafkaTopics.values(topics.read(topic, false, atLeast, Duration.ofSeconds(15)));
    }

    @Test
    void everyRecordOfEveryObjectArrivesAndTheRunEnds() {
        put("in/a.txt", 500, "a");
        put("in/b.txt", 500, "b");
        put("in/c/d.txt", 500, "d");

        RunSummary summary = run(spec(input(), ErrorPolicy.FAIL));

        assertThat(summary.recordsIn()).isEqualTo(1500);
        assertThat(summary.recordsOut()).isEqualTo(1500);
        List<String> values = topicValues(1500);
        assertThat(values).hasSize(1500).doesNotHaveDuplicates().contains("A-0", "B-499", "D-250");
    }

    @Test
    void aSecondRunSendsNothingAndANewObjectIsSentAlone() {
        put("in/a.txt", 300, "a");
        TaskSpec spec = spec(input(), ErrorPolicy.FAIL);
        assertThat(run(spec).recordsOut()).isEqualTo(300);

        assertThat(run(spec).recordsOut()).as("no object is new").isZero();
        put("in/b.txt", 200, "b");
        assertThat(run(spec).recordsOut()).as("only b is new").isEqualTo(200);

        List<String> values = topicValues(500);
        assertThat(values).hasSize(500).doesNotHaveDuplicates();
        assertThat(SharedMemoryState.store(state).keys("test/replay/input/done/"))
                .containsExactly("test/replay/input/done/s3://" + bucket + "/in/a.txt",
                        "test/replay/input/done/s3://" + bucket + "/in/b.txt");
    }

    @Test
    void selectAllSendsEveryObjectAtEveryRunAndRemembersNothing() {
        put("in/a.txt", 100, "a");
        TaskSpec spec = spec(input().select(BatchInputConfig.Selection.ALL), ErrorPolicy.FAIL);

        run(spec);
        run(spec);

        assertThat(topicValues(200)).hasSize(200);
        assertThat(SharedMemoryState.store(state).keys("")).isEmpty();
    }

    @Test
    void aFailedRunResumesAtItsLastCheckpointAndMarksOnlyFinishedObjects() {
        put("in/a.txt", 100, "a");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            b.append(i == 730 ? "poison" : "b-" + i).append('\n');
        }
        s3.client().putObject(r -> r.bucket(bucket).key("in/b.txt"), RequestBody.fromString(b.toString()));
        put("in/c.txt", 100, "c");
        BatchInputConfig.Builder in = input().checkpointRecords(100).checkpointInterval(Duration.ofHours(1));

        assertThatThrownBy(() -> run(spec(in, ErrorPolicy.FAIL))).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("b.txt:731");
        var store = SharedMemoryState.store(state);
        assertThat(store.keys("test/replay/input/done/")).containsExactly(
                "test/replay/input/done/s3://" + bucket + "/in/a.txt");
        assertThat(store.getString("test/replay/input/at/s3://" + bucket + "/in/b.txt")).contains("700");

        RunSummary rerun = run(spec(in, ErrorPolicy.SKIP));
        assertThat(rerun.recordsIn()).as("b from record 701, then c").isEqualTo(300 + 100);
        assertThat(rerun.skipped()).isEqualTo(1);

        List<String> values = topicValues(1200);
        Set<String> distinct = new HashSet<>(values);
        assertThat(distinct).hasSize(100 + 999 + 100);
        assertThat(values.size() - distinct.size()).as("re-sent after the failure: at most one checkpoint interval")
                .isBetween(0, 100);
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicWithTheirObjectAndLine() {
        KAFKA.createTopic(topic + ".dlq", 1);
        s3.client().putObject(r -> r.bucket(bucket).key("in/a.txt"), RequestBody.fromString("one\npoison pill\nthree\n"));

        RunSummary summary = run(spec(input(), ErrorPolicy.DEAD_LETTER));

        assertThat(summary.recordsOut()).isEqualTo(2);
        assertThat(summary.deadLettered()).isEqualTo(1);
        List<ConsumerRecord<byte[], byte[]>> letters = topics.read(topic + ".dlq", false, 1, Duration.ofSeconds(15));
        assertThat(letters).hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = letters.get(0);
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("poison pill");
        assertThat(header(letter, "geniusrise.source.object")).isEqualTo("a.txt");
        assertThat(header(letter, "geniusrise.source.index")).isEqualTo("2");
        assertThat(header(letter, "geniusrise.error.class")).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(topicValues(2)).containsExactly("ONE", "THREE");
    }

    /** Upper-cases slowly, so that a stop lands in the middle of an object. */
    public static final class SlowUppercase extends UppercaseBolt {
        @Override
        protected void process(ai.geniusrise.core.Record in, ai.geniusrise.core.Emitter out) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.process(in, out);
        }
    }

    @Test
    void aStoppedRunCheckpointsWhereItIsAndTheNextRunSendsTheRestWithoutRepeating() throws Exception {
        put("in/a.txt", 1000, "a");
        put("in/b.txt", 1000, "b");
        TaskSpec spec = spec(input(), ErrorPolicy.FAIL);

        RunningTask first = RunningTask.start(TaskRunner.builder(spec).pipelineName("test").task(new SlowUppercase())
                .build(), "replay");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (topics.read(topic, false, 300, Duration.ofMillis(500)).size() < 300 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        RunSummary stopped = first.stop(Duration.ofSeconds(30));
        assertThat(stopped.recordsOut()).as("stopped mid-way").isBetween(300L, 1999L);

        RunSummary rest = run(spec);

        assertThat(stopped.recordsOut() + rest.recordsOut()).isEqualTo(2000);
        List<String> values = topicValues(2000);
        assertThat(values).hasSize(2000).doesNotHaveDuplicates();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
