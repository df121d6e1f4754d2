package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Backpressure (paused partitions while the output is behind) and several group members in one process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaScalingTest {

    /** The input cluster. */
    @RegisterExtension
    static final KafkaExtension IN = new KafkaExtension();

    /** The output cluster, stopped and started by the backpressure test. */
    @RegisterExtension
    static final KafkaExtension OUT = KafkaExtension.embedded();

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

    @Test
    void pausesItsPartitionsWhileTheOutputClusterIsDownAndLosesNothingWhenItReturns() throws Exception {
        int records = 40_000;
        long buffer = 256 * 1024;
        long bound = buffer / 2;
        long onePoll = 500L * (4 + value(records).length());
        IN.createTopic("slow-in", 4);
        OUT.createTopic("slow-out", 4);
        KafkaTopics input = new KafkaTopics(IN.bootstrapServers());
        KafkaTopics output = new KafkaTopics(OUT.bootstrapServers());
        input.produce("slow-in", 0, records, KafkaScalingTest::value);
        TaskSpec spec = TaskSpec.builder("slow", TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(StreamingInputConfig.builder("slow-in").bootstrapServers(IN.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).build())
                .output(StreamingOutputConfig.builder("slow-out").bootstrapServers(OUT.bootstrapServers())
                        // requests to the stopped broker time out sooner than the default 30 s
                        .properties(Map.of(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(buffer),
                                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000")).build())
                .build();
        TaskRunner runner = TaskRunner.builder(spec).pipelineName("test").task(new UppercaseBolt()).httpPort(0).build();
        try (RunningTask task = RunningTask.start(runner, "slow")) {
            assertThat(output.read("slow-out", false, 1000, Duration.ofSeconds(30))).hasSizeGreaterThanOrEqualTo(1000);
            OUT.server().stop();

            await("the input partitions are paused", Duration.ofSeconds(30),
                    () -> MetricsPage.of(runner).sum("geniusrise_kafka_paused_partitions") > 0);
            List<Double> inFlight = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                MetricsPage page = MetricsPage.of(runner);
                assertThat(page.sum("geniusrise_kafka_paused_partitions")).as("all 4 partitions stay paused")
                        .isEqualTo(4.0);
                inFlight.add(page.sum("geniusrise_kafka_in_flight_bytes"));
                Thread.sleep(150);
            }
            assertThat(inFlight).as("in-flight bytes while the output is down: above the bound (why it paused), "
                    + "at most the bound plus one poll, and not growing (nothing more is read)")
                    .allSatisfy(b -> assertThat(b).isGreaterThan((double) bound).isLessThanOrEqualTo(bound + onePoll))
                    .containsOnly(inFlight.get(0));

            OUT.server().start();
            Set<String> seen = new HashSet<>(KafkaTopics.values(
                    output.read("slow-out", false, records, Duration.ofSeconds(60))));
            await("the partitions are resumed", Duration.ofSeconds(30),
                    () -> MetricsPage.of(runner).sum("geniusrise_kafka_paused_partitions") == 0);
            RunSummary summary = task.stop(Duration.ofSeconds(30));

            for (int i = 0; i < records; i++) {
                assertThat(seen).as("output of record %d", i).contains(value(i).toUpperCase());
            }
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
        topics.produce("pair-in", 0, records, i -> "p" + i);
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
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("test.pair"))
                        .describedGroups().get("test.pair").get(10, TimeUnit.SECONDS);
                split.clear();
                for (MemberDescription m : group.members()) {
                    split.add(m.assignment().topicPartitions().size());
                }
                return split.size() == 2 && split.stream().allMatch(n -> n == 2);
            });
            Set<String> seen = new HashSet<>(KafkaTopics.values(
                    topics.read("pair-out", false, records, Duration.ofSeconds(60))));
            RunSummary summary = task.stop(Duration.ofSeconds(30));

            for (int i = 0; i < records; i++) {
                assertThat(seen).as("output of record %d", i).contains("P" + i);
            }
            assertThat(summary.recordsIn()).as("both members count into the task's metrics").isEqualTo(records);
            assertThat(bolt.threads).as("the one bolt instance is called from both members' threads").hasSize(2);
        }
        assertThat(topics.committed("test.pair").values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(records);
    }
}
