package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lag a streaming task publishes for ECS's scaling policy ({@code GENIUSRISE_LAG_METRIC}): CloudWatch
 * Embedded Metric Format lines carrying the real consumer lag of its partitions on a running broker.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LagMetricTest {

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Holds every record until released. */
    public static final class HeldBolt extends UppercaseBolt {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        protected void process(Record in, Emitter out) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            super.process(in, out);
        }
    }

    private static long lastLag(List<String> lines) throws Exception {
        return lines.isEmpty() ? -1 : JSON.readTree(lines.get(lines.size() - 1)).path("ConsumerLag").asLong();
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!check.done()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private interface Check {
        boolean done() throws Exception;
    }

    @Test
    void writesTheConsumerLagOfItsPartitionsAsEmbeddedMetricFormatLines() throws Exception {
        int records = 200;
        KAFKA.createTopic("lag-in", 2);
        KAFKA.createTopic("lag-out", 2);
        KafkaTopics topics = new KafkaTopics(KAFKA.bootstrapServers());
        topics.produce("lag-in", 0, records, i -> "k" + (i % 10), i -> "v" + i);
        // one record taken at a time and held: the member reads exactly one, then pauses
        TaskSpec spec = TaskSpec.builder("held", TaskSpec.Kind.BOLT).taskClass(HeldBolt.class)
                .input(StreamingInputConfig.builder("lag-in").bootstrapServers(KAFKA.bootstrapServers())
                        .ordering(Ordering.KEY).maxInFlight(1)
                        .properties(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1")).build())
                .output(StreamingOutputConfig.builder("lag-out").bootstrapServers(KAFKA.bootstrapServers()).build())
                .build();
        HeldBolt bolt = new HeldBolt();
        List<String> lines = new CopyOnWriteArrayList<>();
        TaskRunner runner = TaskRunner.builder(spec).pipelineName("clicks").task(bolt)
                .lagMetric(Duration.ofMillis(100), lines::add).build();
        try (RunningTask task = RunningTask.start(runner, "held")) {
            await("the lag of the held member is published", () -> lastLag(lines) == records - 1);
            int before = lines.size();
            await("a few more lines", () -> lines.size() >= before + 5);
            List<String> held = List.copyOf(lines);
            assertThat(held.subList(before, held.size())).as("steady while held").allSatisfy(l ->
                    assertThat(JSON.readTree(l).path("ConsumerLag").asLong()).isEqualTo(records - 1));

            JsonNode line = JSON.readTree(lines.get(lines.size() - 1));
            assertThat(line.path("_aws").path("Timestamp").isIntegralNumber()).isTrue();
            assertThat(line.path("_aws").path("Timestamp").asLong())
                    .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
            assertThat(line.path("_aws").path("CloudWatchMetrics")).isEqualTo(JSON.readTree("""
                    [{"Namespace": "Geniusrise", "Dimensions": [["Pipeline", "Task"]],
                      "Metrics": [{"Name": "ConsumerLag", "Unit": "Count"}]}]"""));
            assertThat(line.path("Pipeline").asText()).isEqualTo("clicks");
            assertThat(line.path("Task").asText()).isEqualTo("held");
            assertThat(lines).as("one JSON document a line: what CloudWatch Logs reads as one event")
                    .allSatisfy(l -> assertThat(l).doesNotContain("\n"));

            bolt.release.countDown();
            await("the lag falls to zero once the records are processed", () -> lastLag(lines) == 0);
            task.stop(Duration.ofSeconds(30));
        }
    }
}
