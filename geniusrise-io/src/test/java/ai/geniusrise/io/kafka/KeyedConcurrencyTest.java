package ai.geniusrise.io.kafka;

import ai.geniusrise.core.AsyncBolt;
import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskProgress;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code inputConfig.ordering: key | none} with {@code maxInFlight}, against an embedded broker:
 * records of one key in order, of different keys at once, never more than {@code maxInFlight} at
 * once, error policies and dead letters applied record by record, offsets committed only over the
 * completed prefix.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class KeyedConcurrencyTest {

    private static final int KEYS = 1_000;
    private static final int MAX_IN_FLIGHT = 256;
    private static final AtomicInteger TOPICS = new AtomicInteger();
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();
    private static KafkaTopics topics;

    @BeforeAll
    static void topics() {
        topics = new KafkaTopics(KAFKA.bootstrapServers());
    }

    private static String[] newTopics() {
        int n = TOPICS.incrementAndGet();
        String[] t = {"keyed-in-" + n, "keyed-out-" + n};
        KAFKA.createTopic(t[0], 4);
        KAFKA.createTopic(t[1], 4);
        return t;
    }

    /**
     * {@code count} records over {@link #KEYS} keys, each key's in runs of four consecutive records
     * (so that under {@code none} records of one key are taken together), valued {@code key:sequence}.
     */
    private static void produce(String topic, int count) {
        topics.produce(topic, 0, count, i -> "key" + key(i), i -> "key" + key(i) + ":" + sequence(i));
    }

    private static int key(int i) {
        return (i / 4) % KEYS;
    }

    private static int sequence(int i) {
        return (i / (4 * KEYS)) * 4 + i % 4;
    }

    private static TaskSpec spec(String name, String[] t, Ordering ordering, ErrorPolicy errors) {
        return TaskSpec.builder(name, TaskSpec.Kind.BOLT).taskClass(Bolt.class).errors(errors)
                .input(StreamingInputConfig.builder(t[0]).bootstrapServers(KAFKA.bootstrapServers())
                        .commitInterval(Duration.ofMillis(300)).ordering(ordering).maxInFlight(MAX_IN_FLIGHT).build())
                .output(StreamingOutputConfig.builder(t[1]).bootstrapServers(KAFKA.bootstrapServers()).build())
                .build();
    }

    /** Records, per key, whether each record came right after the one before it, and how many ran at once. */
    static final class OrderRecordingBolt extends Bolt {
        final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
        final Map<String, Integer> last = new ConcurrentHashMap<>();
        final AtomicLong outOfOrder = new AtomicLong();
        final AtomicLong overlapping = new AtomicLong();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();

        @Override
        protected void process(Record in, Emitter out) {
            String[] v = in.valueAsString().split(":");
            AtomicInteger forKey = active.computeIfAbsent(v[0], k -> new AtomicInteger());
            if (forKey.incrementAndGet() > 1) {
                overlapping.incrementAndGet();
            }
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            int seq = Integer.parseInt(v[1]);
            Integer before = last.put(v[0], seq);
            if (seq != (before == null ? 0 : before + 1)) {
                outOfOrder.incrementAndGet();
            }
            LockSupport.parkNanos(50_000); // a short call: lets others run meanwhile
            running.decrementAndGet();
            forKey.decrementAndGet();
            out.emit(in);
        }
    }

    /** Runs {@code bolt} as task {@code name} until it has committed {@code count} records, then stops it. */
    private static RunSummary runUntilCommitted(String name, String[] t, Ordering ordering, ErrorPolicy errors,
                                                Bolt bolt, int count) throws Exception {
        try (RunningTask task = RunningTask.start(spec(name, t, ordering, errors), bolt)) {
            topics.awaitCommitted("test." + name, count, Duration.ofSeconds(400));
            return task.stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void keyOrderingKeepsEachKeysOrderOver200000RecordsWhileRunningManyAtOnce() throws Exception {
        String[] t = newTopics();
        int count = 200_000;
        produce(t[0], count);
        OrderRecordingBolt bolt = new OrderRecordingBolt();
        assertThat(runUntilCommitted("by-key", t, Ordering.KEY, ErrorPolicy.FAIL, bolt, count).recordsIn())
                .isEqualTo(count);
        assertThat(bolt.outOfOrder.get()).as("records seen out of their key's order").isZero();
        assertThat(bolt.overlapping.get()).as("records processed while another of their key was").isZero();
        assertThat(bolt.mostAtOnce.get()).as("records processed at once").isBetween(16, MAX_IN_FLIGHT);

        // and the output keeps each key's order too
        List<ConsumerRecord<byte[], byte[]>> out = topics.read(t[1], false, count, Duration.ofSeconds(120));
        assertThat(out).hasSize(count);
        Map<String, Integer> last = new HashMap<>();
        long outOfOrder = 0;
        for (ConsumerRecord<byte[], byte[]> r : out) {
            String[] v = new String(r.value(), StandardCharsets.UTF_8).split(":");
            Integer before = last.put(v[0], Integer.parseInt(v[1]));
            if (Integer.parseInt(v[1]) != (before == null ? 0 : before + 1)) {
                outOfOrder++;
            }
        }
        assertThat(outOfOrder).as("output records out of their key's order").isZero();
        assertThat(last).hasSize(KEYS);
    }

    @Test
    void noOrderingDoesOverlapRecordsOfOneKey() throws Exception {
        String[] t = newTopics();
        int count = 40_000;
        produce(t[0], count);
        OrderRecordingBolt bolt = new OrderRecordingBolt();
        assertThat(runUntilCommitted("unordered", t, Ordering.NONE, ErrorPolicy.FAIL, bolt, count).recordsIn())
                .isEqualTo(count);
        assertThat(bolt.overlapping.get()).as("records processed while another of their key was").isPositive();
        assertThat(bolt.mostAtOnce.get()).as("records processed at once").isLessThanOrEqualTo(MAX_IN_FLIGHT);
        assertThat(topics.read(t[1], false, count, Duration.ofSeconds(120))).hasSize(count);
    }

    /**
     * The progress line's gauges while a keyed bolt runs: one partition starts with 16 records of one
     * key (which run one after another, the others waiting behind) followed by 400 of distinct keys,
     * {@code maxInFlight: 8}, each record sleeping 40 ms; sampled every 10 ms, the records in process
     * stay within {@code maxInFlight} and reach several at once, and records are seen waiting.
     */
    @Test
    void progressShowsRecordsInProcessAndRecordsWaitingBehindTheirKey() throws Exception {
        int n = TOPICS.incrementAndGet();
        String[] t = {"keyed-in-" + n, "keyed-out-" + n};
        KAFKA.createTopic(t[0], 1);
        KAFKA.createTopic(t[1], 1);
        int hot = 16;
        int count = hot + 400;
        topics.produce(t[0], 0, count, i -> i < hot ? "hot" : "key" + i, i -> "v" + i);
        Bolt bolt = new Bolt() {
            @Override
            protected void process(Record in, Emitter out) {
                LockSupport.parkNanos(40_000_000);
                out.emit(in);
            }
        };
        TaskSpec spec = TaskSpec.builder("hot-key", TaskSpec.Kind.BOLT).taskClass(Bolt.class)
                .input(StreamingInputConfig.builder(t[0]).bootstrapServers(KAFKA.bootstrapServers())
                        .commitInterval(Duration.ofMillis(300)).ordering(Ordering.KEY).maxInFlight(8).build())
                .output(StreamingOutputConfig.builder(t[1]).bootstrapServers(KAFKA.bootstrapServers()).build())
                .build();
        List<TaskProgress> seen = new java.util.ArrayList<>();
        try (RunningTask task = RunningTask.start(spec, bolt)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (topics.committed("test.hot-key").values().stream().mapToLong(Long::longValue).sum() < count) {
                assertThat(System.nanoTime() - deadline).as("all records committed within 120 s").isNegative();
                assertThat(task.result).as("the task still running").isNotDone();
                seen.add(task.runner.progress());
                Thread.sleep(10);
            }
            assertThat(task.stop(Duration.ofSeconds(30)).recordsIn()).isEqualTo(count);
        }
        // -1 until the member has registered its gauges
        List<TaskProgress> running = seen.stream().filter(p -> p.inProcess() >= 0).toList();
        assertThat(running).as("progress while running, the gauges registered").isNotEmpty()
                .allSatisfy(p -> assertThat(p.inProcess()).isBetween(0L, 8L))
                .allSatisfy(p -> assertThat(p.waiting()).isBetween(0L, 8L))
                .anySatisfy(p -> assertThat(p.inProcess()).isGreaterThanOrEqualTo(4))
                .anySatisfy(p -> assertThat(p.waiting()).isPositive());
    }

    /** Throws on the keys divisible by 7 (after emitting, which must then be dropped). */
    static final class ThrowingBolt extends Bolt {
        @Override
        protected void process(Record in, Emitter out) {
            String key = in.keyAsString();
            if (Integer.parseInt(key.substring(3)) % 7 == 0) {
                out.emit(in.withValue("partial"));
                throw new IllegalStateException("no service for " + key);
            }
            LockSupport.parkNanos(20_000);
            out.emit(in);
        }
    }

    /** How many of the first {@code count} records have a key the throwing bolts fail on. */
    private static int failing(int count) {
        int failing = 0;
        for (int i = 0; i < count; i++) {
            failing += key(i) % 7 == 0 ? 1 : 0;
        }
        return failing;
    }

    @Test
    void deadLetterPolicySendsEachFailedRecordAndOnlyThoseWhileOthersRunConcurrently() throws Exception {
        String[] t = newTopics();
        KAFKA.createTopic(t[0] + ".dlq", 4);
        int count = 20_000;
        produce(t[0], count);
        int failing = failing(count);
        RunSummary summary = runUntilCommitted("letters", t, Ordering.KEY, ErrorPolicy.DEAD_LETTER,
                new ThrowingBolt(), count);
        assertThat(summary.deadLettered()).isEqualTo(failing);
        assertThat(summary.recordsOut()).isEqualTo(count - failing);
        List<ConsumerRecord<byte[], byte[]>> letters = topics.read(t[0] + ".dlq", false, failing,
                Duration.ofSeconds(120));
        Set<String> lettered = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            assertThat(new String(r.headers().lastHeader(KafkaStreamingOutput.H_ERROR_MESSAGE).value(),
                    StandardCharsets.UTF_8)).startsWith("no service for key");
            lettered.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        assertThat(lettered).hasSize(failing).allSatisfy(v -> assertThat(Integer.parseInt(v.substring(3,
                v.indexOf(':'))) % 7).isZero());
        assertThat(topics.endOffsets(t[1])).as("records written: none for a failed record").isEqualTo(count - failing);
        assertThat(topics.read(t[1], false, count - failing, Duration.ofSeconds(120))).hasSize(count - failing)
                .noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).equals("partial"));
    }

    @Test
    void failPolicyStopsTheTaskAndCommitsOnlyBelowTheFailedRecord() throws Exception {
        String[] t = newTopics();
        int count = 20_000;
        produce(t[0], count);
        RunningTask task = RunningTask.start(spec("fails", t, Ordering.KEY, ErrorPolicy.FAIL), new ThrowingBolt());
        assertThatThrownBy(() -> task.result.get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("task 'fails' failed on the record at " + t[0])
                .hasMessageContaining("no service for key");
        task.close();
        // every record below a committed offset was processed: none of them is a failing one
        Map<TopicPartition, Long> committed = topics.committed("test.fails");
        List<ConsumerRecord<byte[], byte[]>> in = topics.read(t[0], false, count, Duration.ofSeconds(120));
        for (ConsumerRecord<byte[], byte[]> r : in) {
            long below = committed.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L);
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.offset() < below) {
                assertThat(Integer.parseInt(key.substring(3)) % 7).as("committed past %s", r).isNotZero();
            }
        }
    }

    /** A non-blocking client: answers after 5 ms from a timer, failing for keys divisible by 7. */
    static final class SlowServiceBolt extends AsyncBolt {
        private static final Executor LATER = CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS);
        final AtomicInteger pending = new AtomicInteger();
        final AtomicInteger mostPending = new AtomicInteger();
        final Map<String, Integer> last = new ConcurrentHashMap<>();
        final AtomicLong outOfOrder = new AtomicLong();

        @Override
        protected CompletionStage<Void> processAsync(Record in, Emitter out) {
            mostPending.accumulateAndGet(pending.incrementAndGet(), Math::max);
            String[] v = in.valueAsString().split(":");
            Integer before = last.put(v[0], Integer.parseInt(v[1]));
            if (Integer.parseInt(v[1]) != (before == null ? 0 : before + 1)) {
                outOfOrder.incrementAndGet();
            }
            return CompletableFuture.runAsync(() -> {
                pending.decrementAndGet();
                if (Integer.parseInt(v[0].substring(3)) % 7 == 0) {
                    throw new IllegalStateException("the service refused " + v[0]);
                }
                out.emit(in.withValue(in.valueAsString() + ":done"));
            }, LATER);
        }
    }

    @Test
    void asyncBoltKeepsManyCallsPendingWithoutAThreadEachAndAppliesTheErrorPolicy() throws Exception {
        String[] t = newTopics();
        KAFKA.createTopic(t[0] + ".dlq", 4);
        int count = 20_000;
        produce(t[0], count);
        int failing = failing(count);
        SlowServiceBolt bolt = new SlowServiceBolt();
        RunSummary summary = runUntilCommitted("async", t, Ordering.KEY, ErrorPolicy.DEAD_LETTER, bolt, count);
        assertThat(summary.deadLettered()).isEqualTo(failing);
        assertThat(summary.recordsOut()).isEqualTo(count - failing);
        assertThat(bolt.outOfOrder.get()).as("calls started out of their key's order").isZero();
        assertThat(bolt.mostPending.get()).as("calls pending at once").isBetween(32, MAX_IN_FLIGHT);
        assertThat(topics.read(t[1], false, count - failing, Duration.ofSeconds(120))).hasSize(count - failing)
                .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).endsWith(":done"));
        assertThat(topics.read(t[0] + ".dlq", false, failing, Duration.ofSeconds(120))).hasSize(failing);
    }
}
