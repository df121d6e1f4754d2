package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.Spout;
import ai.geniusrise.core.TaskFailedException;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kafka→Kafka bolts and Kafka spouts run by the real runtime against an embedded broker. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KafkaBoltTest {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();
    private static KafkaTopics topics;

    @BeforeAll
    static void topics() {
        topics = new KafkaTopics(KAFKA.bootstrapServers());
    }

    private static String[] newTopics(int partitions) {
        int n = TOPICS.incrementAndGet();
        String in = "in-" + n;
        String out = "out-" + n;
        KAFKA.createTopic(in, partitions);
        KAFKA.createTopic(out, partitions);
        return new String[] {in, out};
    }

    private static TaskSpec.Builder bolt(String name, String in, String out) {
        return TaskSpec.builder(name, TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(StreamingInputConfig.builder(in).bootstrapServers(KAFKA.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).build())
                .output(StreamingOutputConfig.builder(out).bootstrapServers(KAFKA.bootstrapServers()).build());
    }

    /**
     * A bolt whose {@code commitInterval}, 10 minutes, is far longer than the test may run: whatever it
     * commits while the test runs, it commits before the interval.
     */
    private static TaskSpec.Builder longIntervalBolt(String name, String in, String out) {
        return bolt(name, in, out).input(StreamingInputConfig.builder(in).bootstrapServers(KAFKA.bootstrapServers())
                .commitInterval(Duration.ofMinutes(10)).build());
    }

    private static void awaitCommitted(String group, long total) throws Exception {
        awaitCommitted(group, total, Duration.ofSeconds(30));
    }

    private static void awaitCommitted(String group, long total, Duration timeout) throws Exception {
        topics.awaitCommitted(group, total, timeout);
    }

    @Test
    void progressShowsTheInputLagFallingToZeroAsTheBoltCatchesUp() throws Exception {
        String[] t = newTopics(1);
        topics.produce(t[0], 0, 4000, i -> "v" + i);
        UppercaseBolt slow = new UppercaseBolt() {
            @Override
            protected void process(Record in, Emitter out) {
                LockSupport.parkNanos(1_000_000); // about 1 ms a record: 4 s for the topic
                super.process(in, out);
            }
        };
        try (RunningTask task = RunningTask.start(bolt("lagging", t[0], t[1]).build(), slow)) {
            long seenBehind = awaitLag(task, lag -> lag > 0);
            long caughtUp = awaitLag(task, lag -> lag == 0);
            task.stop(Duration.ofSeconds(20));

            assertThat(seenBehind).as("lag while behind").isBetween(1L, 4000L);
            assertThat(caughtUp).isZero();
        }
    }

    private static long awaitLag(RunningTask task, LongPredicate wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long lag = -1;
        while (System.nanoTime() < deadline) {
            lag = task.runner.progress().lag();
            if (wanted.test(lag)) {
                return lag;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the lag never got there; last seen " + lag);
    }

    @Test
    void uppercasesEveryRecordKeepingKeysHeadersAndTimestamps() throws Exception {
        String[] t = newTopics(2);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(t[0], null, 1_700_000_000_000L,
                    "key-1".getBytes(StandardCharsets.UTF_8), "hello".getBytes(StandardCharsets.UTF_8),
                    List.of(new RecordHeader("trace", "abc".getBytes(StandardCharsets.UTF_8))));
            p.send(r).get();
        }
        topics.produce(t[0], 0, 999, i -> "value " + i);

        UppercaseBolt bolt = new UppercaseBolt();
        try (RunningTask task = RunningTask.start(bolt("upper", t[0], t[1]).build(), bolt)) {
            List<ConsumerRecord<byte[], byte[]>> out = topics.read(t[1], false, 1000, Duration.ofSeconds(30));
            RunSummary summary = task.stop(Duration.ofSeconds(20));

            assertThat(KafkaTopics.values(out)).hasSize(1000).contains("HELLO", "VALUE 0", "VALUE 998");
            ConsumerRecord<byte[], byte[]> hello = out.stream().filter(r -> new String(r.value(),
                    StandardCharsets.UTF_8).equals("HELLO")).findFirst().orElseThrow();
            assertThat(new String(hello.key(), StandardCharsets.UTF_8)).isEqualTo("key-1");
            assertThat(hello.timestamp()).isEqualTo(1_700_000_000_000L);
            assertThat(new String(hello.headers().lastHeader("trace").value(), StandardCharsets.UTF_8))
                    .isEqualTo("abc");
            assertThat(summary.recordsIn()).isEqualTo(1000);
            assertThat(summary.recordsOut()).isEqualTo(1000);
            assertThat(bolt.flushes.get()).as("flush before each commit").isPositive();
        }
    }

    @Test
    void stopDrainsAndCommitsSoThatARestartReprocessesNothing() throws Exception {
        String[] t = newTopics(3);
        topics.produce(t[0], 0, 3000, i -> "v" + i);
        TaskSpec spec = bolt("drain", t[0], t[1]).build();
        try (RunningTask first = RunningTask.start(spec, new UppercaseBolt())) {
            assertThat(topics.read(t[1], false, 3000, Duration.ofSeconds(30))).hasSize(3000);
            first.stop(Duration.ofSeconds(20));
        }
        assertThat(topics.committed("test.drain").values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(3000);

        topics.produce(t[0], 3000, 10, i -> "v" + i);
        try (RunningTask second = RunningTask.start(spec, new UppercaseBolt())) {
            awaitCommitted("test.drain", 3010);
            RunSummary summary = second.stop(Duration.ofSeconds(20));
            assertThat(summary.recordsIn()).as("only the new records are read again").isEqualTo(10);
        }
        assertThat(topics.read(t[1], false, 3011, Duration.ofSeconds(3))).hasSize(3010);
    }

    @Test
    void failPolicyStopsAtThePoisonedRecordAndCommitsNothingPastIt() throws Exception {
        String[] t = newTopics(1);
        topics.produce(t[0], 0, 100, i -> i == 42 ? "poison " + i : "v" + i);
        TaskSpec spec = bolt("fails", t[0], t[1]).errors(ErrorPolicy.FAIL).build();

        RunningTask task = RunningTask.start(spec, new UppercaseBolt());
        assertThatThrownBy(() -> task.result.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("task 'fails' failed on the record at " + t[0] + "[0]@42")
                .hasMessageContaining("poisoned value poison 42");
        task.close();

        assertThat(topics.committed("test.fails")).containsEntry(new TopicPartition(t[0], 0), 42L);
        assertThat(KafkaTopics.values(topics.read(t[1], false, 43, Duration.ofSeconds(3))))
                .hasSize(42).doesNotContain("partial output of a poisoned record");
    }

    @Test
    void skipPolicyCountsPoisonedRecordsAndGoesOn() throws Exception {
        String[] t = newTopics(2);
        topics.produce(t[0], 0, 500, i -> i % 100 == 7 ? "poison " + i : "v" + i);
        TaskSpec spec = bolt("skips", t[0], t[1]).errors(ErrorPolicy.SKIP).build();
        try (RunningTask task = RunningTask.start(spec, new UppercaseBolt())) {
            awaitCommitted("test.skips", 500);
            RunSummary summary = task.stop(Duration.ofSeconds(20));
            assertThat(summary.skipped()).isEqualTo(5);
            assertThat(summary.recordsOut()).isEqualTo(495);
        }
        assertThat(KafkaTopics.values(topics.read(t[1], false, 496, Duration.ofSeconds(3))))
                .hasSize(495).doesNotContain("partial output of a poisoned record", "POISON 7");
    }

    @Test
    void deadLetterPolicyRoutesPoisonWithItsHeadersAndOriginalBytes() throws Exception {
        String[] t = newTopics(1);
        topics.produce(t[0], 0, 200, i -> i == 123 ? "poison " + i : "v" + i);
        TaskSpec spec = bolt("letters", t[0], t[1]).errors(ErrorPolicy.DEAD_LETTER).build();
        try (RunningTask task = RunningTask.start(spec, new UppercaseBolt())) {
            awaitCommitted("test.letters", 200);
            RunSummary summary = task.stop(Duration.ofSeconds(20));
            assertThat(summary.deadLettered()).isEqualTo(1);
        }
        List<ConsumerRecord<byte[], byte[]>> letters = topics.read(t[0] + ".dlq", false, 1, Duration.ofSeconds(20));
        assertThat(letters).hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = letters.get(0);
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("poison 123");
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("k123");
        assertThat(header(letter, "geniusrise.task")).isEqualTo("letters");
        assertThat(header(letter, "geniusrise.error.class")).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(header(letter, "geniusrise.error.message")).isEqualTo("poisoned value poison 123");
        assertThat(header(letter, "geniusrise.source.topic")).isEqualTo(t[0]);
        assertThat(header(letter, "geniusrise.source.partition")).isEqualTo("0");
        assertThat(header(letter, "geniusrise.source.offset")).isEqualTo("123");
        assertThat(topics.read(t[1], false, 200, Duration.ofSeconds(3))).hasSize(199);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void exactlyOnceCommitsOutputAndOffsetsTogether() throws Exception {
        String[] t = newTopics(2);
        topics.produce(t[0], 0, 2000, i -> "v" + i);
        TaskSpec spec = bolt("eos", t[0], t[1]).guarantee(Guarantee.EXACTLY_ONCE).build();
        try (RunningTask task = RunningTask.start(spec, new UppercaseBolt())) {
            awaitCommitted("test.eos", 2000);
            task.stop(Duration.ofSeconds(20));
        }
        List<String> out = KafkaTopics.values(topics.read(t[1], true, 2001, Duration.ofSeconds(3)));
        assertThat(out).hasSize(2000).doesNotHaveDuplicates().contains("V0", "V1999");
    }

    /**
     * commitRecords bounds what an at-least-once crash repeats; under exactly-once a crash repeats
     * nothing visible, so a backlog of 50 times commitRecords drains in a transaction or two (each
     * commit point flushes the bolt first: its flush count counts them), not in 50.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void exactlyOnceDrainsABacklogWithoutATransactionPerCommitRecords() throws Exception {
        String[] t = newTopics(1);
        topics.produce(t[0], 0, 5000, i -> "v" + i);
        TaskSpec spec = bolt("eos-backlog", t[0], t[1]).guarantee(Guarantee.EXACTLY_ONCE)
                .input(StreamingInputConfig.builder(t[0]).bootstrapServers(KAFKA.bootstrapServers())
                        .commitInterval(Duration.ofMinutes(10)).commitRecords(100L).build()).build();
        UppercaseBolt bolt = new UppercaseBolt();
        try (RunningTask task = RunningTask.start(spec, bolt)) {
            awaitCommitted("test.eos-backlog", 5000);
            assertThat(bolt.flushes.get()).as("commit points while draining 5,000 records with commitRecords 100")
                    .isLessThanOrEqualTo(5);
            task.stop(Duration.ofSeconds(20));
        }
        assertThat(KafkaTopics.values(topics.read(t[1], true, 5001, Duration.ofSeconds(3))))
                .hasSize(5000).doesNotHaveDuplicates();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void exactlyOnceOutputIsVisibleSoonAfterTheInputGoesQuietWhateverTheCommitInterval() throws Exception {
        String[] t = newTopics(2);
        TaskSpec spec = longIntervalBolt("eos-quiet", t[0], t[1]).guarantee(Guarantee.EXACTLY_ONCE).build();
        try (RunningTask task = RunningTask.start(spec, new UppercaseBolt())) {
            // a trickle: each record is written once the previous one is visible, far below commitRecords
            for (int i = 0; i < 3; i++) {
                topics.produce(t[0], i, 1, n -> "v" + n);
                assertThat(KafkaTopics.values(topics.read(t[1], true, i + 1, Duration.ofSeconds(30))))
                        .as("visible to read_committed long before the 10 min commitInterval")
                        .hasSize(i + 1).contains("V" + i);
            }
            task.stop(Duration.ofSeconds(20));
        }
        assertThat(topics.committed("test.eos-quiet").values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(3);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void exactlyOnceCommitsOnceCaughtUpUnderASteadyTrickleThatNeverLetsAPollComeBackEmpty() throws Exception {
        String[] t = newTopics(1);
        TaskSpec spec = longIntervalBolt("eos-trickle", t[0], t[1]).guarantee(Guarantee.EXACTLY_ONCE).build();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            // a record every 10 ms: each poll (which waits up to 100 ms) finds something, so only the
            // caught-up check commits before the interval
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 0),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; writing.get(); i++) {
                    p.send(new ProducerRecord<>(t[0], ("v" + i).getBytes(StandardCharsets.UTF_8)));
                    LockSupport.parkNanos(10_000_000);
                }
            }
        }, "trickle");
        try (RunningTask task = RunningTask.start(spec, new UppercaseBolt())) {
            writer.start();
            assertThat(topics.read(t[1], true, 200, Duration.ofSeconds(40))).as("visible to read_committed while "
                    + "the trickle goes on, long before the 10 min commitInterval").hasSizeGreaterThanOrEqualTo(200);
            writing.set(false);
            writer.join(10_000);
            int written = (int) topics.endOffsets(t[0]);
            List<String> out = KafkaTopics.values(topics.read(t[1], true, written, Duration.ofSeconds(30)));
            assertThat(out).as("everything, once the trickle stopped").hasSize(written).doesNotHaveDuplicates();
            task.stop(Duration.ofSeconds(20));
        } finally {
            writing.set(false);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void atLeastOnceCommitsItsOffsetsSoonAfterTheInputGoesQuietWhateverTheCommitInterval() throws Exception {
        String[] t = newTopics(2);
        topics.produce(t[0], 0, 100, i -> "v" + i);
        TaskSpec spec = longIntervalBolt("alos-quiet", t[0], t[1]).build();
        try (RunningTask task = RunningTask.start(spec, new UppercaseBolt())) {
            // committed once the input is idle, long before the 10 min commitInterval
            awaitCommitted("test.alos-quiet", 100, Duration.ofSeconds(60));
            task.stop(Duration.ofSeconds(20));
        }
    }

    @Test
    void exactlyOnceFailureAbortsTheOpenTransaction() throws Exception {
        String[] t = newTopics(1);
        topics.produce(t[0], 0, 50, i -> i == 30 ? "poison" : "v" + i);
        TaskSpec spec = bolt("eos-fail", t[0], t[1]).guarantee(Guarantee.EXACTLY_ONCE)
                .input(StreamingInputConfig.builder(t[0]).bootstrapServers(KAFKA.bootstrapServers())
                        .commitInterval(Duration.ofMinutes(5)).build()).build();
        RunningTask task = RunningTask.start(spec, new UppercaseBolt());
        assertThatThrownBy(() -> task.result.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOf(TaskFailedException.class).hasMessageContaining(t[0] + "[0]@30");
        task.close();

        assertThat(topics.read(t[1], true, 1, Duration.ofSeconds(3))).as("read_committed sees nothing").isEmpty();
        assertThat(topics.committed("test.eos-fail")).isEmpty();
    }

    @Test
    void outputKeyComesFromTheConfiguredJsonField() throws Exception {
        String[] t = newTopics(1);
        topics.produce(t[0], 0, 3, i -> "{\"user\":\"u" + i + "\"}");
        TaskSpec spec = bolt("keys", t[0], t[1])
                .output(StreamingOutputConfig.builder(t[1]).bootstrapServers(KAFKA.bootstrapServers())
                        .keyField("USER").build()).build();
        try (RunningTask task = RunningTask.start(spec, new UppercaseBolt())) {
            List<ConsumerRecord<byte[], byte[]>> out = topics.read(t[1], false, 3, Duration.ofSeconds(30));
            task.stop(Duration.ofSeconds(20));
            assertThat(out).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("U0", "U1", "U2");
        }
    }

    @Test
    void unknownInputTopicIsAConfigErrorAtTheSource() {
        KAFKA.createTopic("exists", 1);
        TaskSpec spec = bolt("unknown", "no-such-topic", "exists").build();
        long started = System.nanoTime();

        assertThatThrownBy(() -> TaskRunner.builder(spec).task(new UppercaseBolt()).build().run())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.inputConfig.source")
                .hasMessageContaining("topic 'no-such-topic' does not exist");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void unreachableBrokersFailWithinTheConfiguredWait() {
        assertUnreachableWithin("nowhere", "3000", "3000", "3.0 s");
    }

    @Test
    void oneClusterIsCheckedOnceWithTheLongerOfBothStreamsWaits() {
        // both streams on one cluster: one admin client checks every topic, waiting the longer of the two waits
        // (two checks, one per stream, gave up after the input's 1 s)
        assertUnreachableWithin("nowhere-once", "1000", "2500", "2.5 s");
    }

    /** A bolt whose brokers do not answer fails naming {@code wait}, well within 10 s. */
    private static void assertUnreachableWithin(String name, String inputWaitMs, String outputWaitMs, String wait) {
        TaskSpec spec = TaskSpec.builder(name, TaskSpec.Kind.BOLT)
                .input(StreamingInputConfig.builder("in").bootstrapServers("127.0.0.1:1")
                        .properties(Map.of("default.api.timeout.ms", inputWaitMs)).build())
                .output(StreamingOutputConfig.builder("out").bootstrapServers("127.0.0.1:1")
                        .properties(Map.of("default.api.timeout.ms", outputWaitMs)).build()).build();
        long started = System.nanoTime();

        assertThatThrownBy(() -> TaskRunner.builder(spec).task(new UppercaseBolt()).build().run())
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("the Kafka brokers at 127.0.0.1:1 did not answer within " + wait);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void saslSettingsThePlaintextBrokerRefusesAreAConfigErrorAtTheProperties() {
        Map<String, String> sasl = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"u\" password=\"p\";", "default.api.timeout.ms", "3000");
        TaskSpec spec = TaskSpec.builder("sasl", TaskSpec.Kind.BOLT)
                .input(StreamingInputConfig.builder("in").bootstrapServers(KAFKA.bootstrapServers())
                        .properties(sasl).build())
                .output(StreamingOutputConfig.builder("out").bootstrapServers(KAFKA.bootstrapServers())
                        .properties(sasl).build()).build();
        long started = System.nanoTime();

        assertThatThrownBy(() -> TaskRunner.builder(spec).task(new UppercaseBolt()).build().run())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.inputConfig.properties: the Kafka cluster at " + KAFKA.bootstrapServers()
                        + " refused the client")
                .hasMessageContaining("check the security properties");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void metricsEndpointCountsRecordsInOutAndDeadLetters() throws Exception {
        String[] t = newTopics(1);
        topics.produce(t[0], 0, 300, i -> i % 100 == 1 ? "poison " + i : "v" + i);
        TaskSpec spec = bolt("metered", t[0], t[1]).errors(ErrorPolicy.DEAD_LETTER).build();
        TaskRunner runner = TaskRunner.builder(spec).pipelineName("test").task(new UppercaseBolt()).httpPort(0).build();
        try (RunningTask task = RunningTask.start(runner, "metered")) {
            awaitCommitted("test.metered", 300);
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + runner.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            task.stop(Duration.ofSeconds(20));

            assertThat(metrics).containsPattern("geniusrise_records_in_total\\{[^}]*task=\"metered\"[^}]*} 300.0")
                    .containsPattern("geniusrise_records_out_total\\{[^}]*} 297.0")
                    .containsPattern("geniusrise_records_failed_total\\{[^}]*policy=\"dead-letter\"[^}]*} 3.0");
        }
    }

    /** Emits numbered records until stopped. */
    public static final class CountingSpout extends Spout {
        final AtomicInteger emitted = new AtomicInteger();

        @Override
        protected void produce(Emitter out) throws InterruptedException {
            while (!context().stopRequested()) {
                out.emit(Record.of("n" + emitted.getAndIncrement()));
                if (emitted.get() % 100 == 0) {
                    Thread.sleep(1);
                }
            }
        }
    }

    @Test
    void streamingSpoutWritesEveryRecordItEmittedBeforeStopping() throws Exception {
        String[] t = newTopics(2);
        TaskSpec spec = TaskSpec.builder("numbers", TaskSpec.Kind.SPOUT).taskClass(CountingSpout.class)
                .input(StreamingInputConfig.builder("generator://numbers").build())
                .output(StreamingOutputConfig.builder(t[1]).bootstrapServers(KAFKA.bootstrapServers()).build())
                .build();
        CountingSpout spout = new CountingSpout();
        RunSummary summary;
        try (RunningTask task = RunningTask.start(spec, spout)) {
            topics.read(t[1], false, 1000, Duration.ofSeconds(30));
            summary = task.stop(Duration.ofSeconds(20));
        }
        int emitted = spout.emitted.get();
        assertThat(summary.recordsOut()).isEqualTo(emitted);
        assertThat(topics.read(t[1], false, emitted, Duration.ofSeconds(20))).hasSize(emitted);
    }

    /**
     * A topic's creation returns before every broker answers clients with it: a task started right
     * after (a script, a test: KafkaBoltTest's own topics failed so under load) looks again for a
     * while before it reports the topic missing. Here the topic is created only once the task has
     * said it did not find it.
     */
    @Test
    void anOutputTopicCreatedWhileTheTaskLooksForItIsFound() throws Exception {
        String late = "late-" + TOPICS.incrementAndGet();
        TaskSpec spec = TaskSpec.builder("late", TaskSpec.Kind.SPOUT).taskClass(CountingSpout.class)
                .input(StreamingInputConfig.builder("generator://numbers").build())
                .output(StreamingOutputConfig.builder(late).bootstrapServers(KAFKA.bootstrapServers()).build())
                .build();
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        // slf4j-simple writes to whatever System.err is when it logs
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                stderr.write(b);
                synchronized (log) {
                    log.write(b);
                }
            }
        }, true, StandardCharsets.UTF_8));
        try (RunningTask task = RunningTask.start(spec, new CountingSpout())) {
            String said = "topic '" + late + "' not found on the Kafka cluster at " + KAFKA.bootstrapServers();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!logged(log).contains(said)) {
                assertThat(task.result).as("the task, before it said: " + said).isNotDone();
                assertThat(System.nanoTime()).as("waited for: " + said).isLessThan(deadline);
                Thread.sleep(20);
            }
            KAFKA.createTopic(late, 1);
            assertThat(topics.read(late, false, 100, Duration.ofSeconds(30))).hasSizeGreaterThanOrEqualTo(100);
            task.stop(Duration.ofSeconds(20));
        } finally {
            System.setErr(stderr);
        }
    }

    private static String logged(ByteArrayOutputStream log) {
        synchronized (log) {
            return log.toString(StandardCharsets.UTF_8);
        }
    }
}
