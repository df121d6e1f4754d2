package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backpressure (paused partitions while the output is behind) and several group members in one process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaScalingTest {

    /** The input cluster. */
    @RegisterExtension
    static final KafkaExtension IN = new KafkaExtension();

    /** The output cluster. */
    @RegisterExtension
    static final KafkaExtension OUT = new KafkaExtension();

    private static final String PADDING = "x".repeat(90);

    private static String value(int i) {
        return "v" + i + "-" + PADDING;
    }

    private static void await(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.done()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    private interface Check {
        boolean done() throws Exception;
    }

    /** Sets (or with {@code null} removes) a produce quota for {@code clientId} on the cluster. */
    private static void throttle(String bootstrap, String clientId, Double bytesPerSecond) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(
                    new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, clientId)),
                    List.of(new ClientQuotaAlteration.Op("producer_byte_rate", bytesPerSecond)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void pausesItsPartitionsWhileItsOutputIsThrottledKeepingMemoryBoundedAndLosingNothing() throws Exception {
        int records = 40_000;
        long buffer = 256 * 1024;
        long bound = buffer / 2;
        long onePoll = 500L * (8 + value(records).length());
        IN.createTopic("slow-in", 4);
        OUT.createTopic("slow-out", 4);
        KafkaTopics input = new KafkaTopics(IN.bootstrapServers());
        KafkaTopics output = new KafkaTopics(OUT.bootstrapServers());
        input.produce("slow-in", 0, records, KafkaScalingTest::value);
        // the output cluster acknowledges this producer at 128 KB/s, a small fraction of what the bolt can send
        throttle(OUT.bootstrapServers(), "slow-out-producer", 128.0 * 1024);
        TaskSpec spec = TaskSpec.builder("slow", TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(StreamingInputConfig.builder("slow-in").bootstrapServers(IN.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).build())
                .output(StreamingOutputConfig.builder("slow-out").bootstrapServers(OUT.bootstrapServers())
                        .properties(Map.of(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(buffer),
                                ProducerConfig.CLIENT_ID_CONFIG, "slow-out-producer")).build())
                .build();
        TaskRunner runner = TaskRunner.builder(spec).pipelineName("test").task(new UppercaseBolt()).httpPort(0).build();
        try (RunningTask task = RunningTask.start(runner, "slow")) {
            await("the input partitions are paused", Duration.ofSeconds(30), () -> {
                if (runner.httpPort() <= 0) {
                    return false;
                }
                MetricsPage page = MetricsPage.of(runner);
                return page.has("geniusrise_kafka_paused_partitions")
                        && page.sum("geniusrise_kafka_paused_partitions") == 4;
            });
            List<Double> inFlight = new ArrayList<>();
            List<Double> readAhead = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                MetricsPage page = MetricsPage.of(runner);
                inFlight.add(page.sum("geniusrise_kafka_in_flight_bytes"));
                // what the output cluster acknowledged, read after the count: never more than it had then
                readAhead.add(page.sum("geniusrise_records_in_total") - output.endOffsets("slow-out"));
                Thread.sleep(150);
            }
            assertThat(inFlight).as("bytes in flight while the output is slow: at most the bound plus one poll")
                    .allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(bound + onePoll));
            // reading goes on at the pace of the output (the quota lets ~1.3 MB through before it throttles,
            // then 128 KB/s), so how much was read depends on how long this took; how far reading ran
            // ahead of the output does not
            assertThat(readAhead).as("records read and not yet acknowledged by the output: held back, not read ahead")
                    .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo((double) (bound + onePoll) / value(0).length()));

            throttle(OUT.bootstrapServers(), "slow-out-producer", null);
            Set<String> seen = new HashSet<>(KafkaTopics.values(
                    output.read("slow-out", false, records, Duration.ofSeconds(60))));
            await("the partitions are resumed", Duration.ofSeconds(30),
                    () -> MetricsPage.of(runner).sum("geniusrise_kafka_paused_partitions") == 0);
            RunSummary summary = task.stop(Duration.ofSeconds(30));

            assertThat(KafkaTopics.missing(seen, records, i -> value(i).toUpperCase())).as("records lost").isEmpty();
            assertThat(summary.recordsIn()).isGreaterThanOrEqualTo(records);
        }
        assertThat(input.committed("test.slow").values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(records);
    }

    /** Upper-cases, and notes the threads that called it. */
    public static final class ThreadNotingBolt extends UppercaseBolt {
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        protected void process(Record in, Emitter out) {
            threads.add(Thread.currentThread().getName());
            super.process(in, out);
        }
    }

    @Test
    void twoMembersInOneProcessSplitFourPartitionsAndProcessEveryRecord() throws Exception {
        int records = 20_000;
        IN.createTopic("pair-in", 4);
        IN.createTopic("pair-out", 4);
        KafkaTopics topics = new KafkaTopics(IN.bootstrapServers());
        ThreadNotingBolt bolt = new ThreadNotingBolt();
        TaskSpec spec = TaskSpec.builder("pair", TaskSpec.Kind.BOLT).taskClass(ThreadNotingBolt.class)
                .input(StreamingInputConfig.builder("pair-in").bootstrapServers(IN.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).concurrency(2).build())
                .output(StreamingOutputConfig.builder("pair-out").bootstrapServers(IN.bootstrapServers()).build())
                .build();
        try (RunningTask task = RunningTask.start(spec, bolt);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, IN.bootstrapServers()))) {
            List<Integer> split = new ArrayList<>();
            await("two members hold two partitions each", Duration.ofSeconds(30), () -> {
                ConsumerGroupDescription group;
                try {
                    group = admin.describeConsumerGroups(List.of("test.pair")).describedGroups().get("test.pair")
                            .get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GroupIdNotFoundException) {
                        return false;
                    }
                    throw e;
                }
                split.clear();
                for (MemberDescription m : group.members()) {
                    split.add(m.assignment().topicPartitions().size());
                }
                return split.size() == 2 && split.stream().allMatch(n -> n == 2);
            });
            topics.produce("pair-in", 0, records, i -> "p" + i);
            Set<String> seen = new HashSet<>(KafkaTopics.values(
                    topics.read("pair-out", false, records, Duration.ofSeconds(60))));
            RunSummary summary = task.stop(Duration.ofSeconds(30));

            assertThat(KafkaTopics.missing(seen, records, i -> "P" + i)).as("records lost").isEmpty();
            assertThat(summary.recordsIn()).as("both members count into the task's metrics").isEqualTo(records);
            assertThat(bolt.threads).as("the one bolt instance is called from both members' threads").hasSize(2);
        }
        assertThat(topics.committed("test.pair").values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(records);
    }

    @Test
    void exactlyOnceMembersHaveTransactionalIdsOfTheirOwnAndShowEachRecordOnce() throws Exception {
        int records = 6_000;
        IN.createTopic("eos-pair-in", 4);
        IN.createTopic("eos-pair-out", 4);
        KafkaTopics topics = new KafkaTopics(IN.bootstrapServers());
        topics.produce("eos-pair-in", 0, records, i -> "e" + i);
        TaskSpec spec = TaskSpec.builder("eos-pair", TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .guarantee(Guarantee.EXACTLY_ONCE)
                .input(StreamingInputConfig.builder("eos-pair-in").bootstrapServers(IN.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).concurrency(2).build())
                .output(StreamingOutputConfig.builder("eos-pair-out").bootstrapServers(IN.bootstrapServers()).build())
                .build();
        try (RunningTask task = RunningTask.start(spec, new UppercaseBolt())) {
            List<String> out = KafkaTopics.values(topics.read("eos-pair-out", true, records, Duration.ofSeconds(60)));
            task.stop(Duration.ofSeconds(30));
            assertThat(task.result).as("no member fenced the other").isCompleted();
            assertThat(out).hasSize(records).doesNotHaveDuplicates();
        }
    }

    @Test
    void aMemberThatFailsStopsTheOthersAndTheTaskFailsNamingTheRecord() throws Exception {
        IN.createTopic("fail-pair-in", 4);
        IN.createTopic("fail-pair-out", 4);
        KafkaTopics topics = new KafkaTopics(IN.bootstrapServers());
        topics.produce("fail-pair-in", 0, 4_000, i -> i == 2_500 ? "poison " + i : "f" + i);
        TaskSpec spec = TaskSpec.builder("fail-pair", TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(StreamingInputConfig.builder("fail-pair-in").bootstrapServers(IN.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).concurrency(2).build())
                .output(StreamingOutputConfig.builder("fail-pair-out").bootstrapServers(IN.bootstrapServers()).build())
                .build();
        RunningTask task = RunningTask.start(spec, new UppercaseBolt());
        assertThatThrownBy(() -> task.result.get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("task 'fail-pair' failed on the record at fail-pair-in[")
                .hasMessageContaining("poisoned value poison 2500");
        task.close();
    }
}
