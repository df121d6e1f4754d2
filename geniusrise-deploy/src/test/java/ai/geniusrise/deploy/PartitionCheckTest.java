package ai.geniusrise.deploy;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code apply} compares {@code deploy.autoscale.max} with the input topic's partition count on the
 * task's own brokers (an embedded one here): a warning on every target, the cap on ECS, a note
 * when it cannot ask.
 */
class PartitionCheckTest extends PipelineFileTest {

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    /** The secrets {@link AutoscaleTest#SCALED}'s {@code sasl.jaas.config} uses, in this environment. */
    static final Map<String, String> ENV = Map.of("KAFKA_USER", "SENTINEL-USER", "KAFKA_PASSWORD", "SENTINEL-PASSWORD");

    final List<String> notes = new ArrayList<>();

    /** The pipeline on {@code topic} of {@code partitions} (created when above 0) at {@code bootstrap}. */
    private Pipeline pipeline(String bootstrap, String topic, int partitions, String ordering, int min,
                              int concurrency) throws IOException {
        if (partitions > 0) {
            KAFKA.createTopic(topic, partitions);
        }
        // the brokers here speak PLAINTEXT, which leaves the SASL settings (and their secrets) unused but passed on
        Path file = file(AutoscaleTest.SCALED.replace("kafka-1:9093,kafka-2:9093", bootstrap)
                .replace("security.protocol: SASL_SSL", "security.protocol: PLAINTEXT")
                .replace("min: 1, max: 12", "min: " + min + ", max: 12")
                .replace("source: clicks, ordering: key, maxInFlight: 256",
                        "source: " + topic + ", ordering: " + ordering + ", concurrency: " + concurrency));
        return TaskManager.load(file, Map.of());
    }

    private Pipeline check(Pipeline pipeline, String target, Map<String, String> env) {
        return TaskManager.checkPartitions(pipeline, target, env, Duration.ofSeconds(10), notes::add);
    }

    private static JsonNode scalableTarget(Pipeline pipeline) throws IOException {
        return AwsJson.MAPPER.readTree(new ECSManager().render(pipeline).stream()
                .filter(f -> f.name().equals("enrich.scalable-target.json")).findFirst().orElseThrow().content());
    }

    @Test
    void onEcsMaxAboveThePartitionsIsCappedWithAWarningInEveryOrdering() throws IOException {
        for (String ordering : List.of("partition", "key", "none")) {
            notes.clear();
            Pipeline checked = check(pipeline(KAFKA.bootstrapServers(), "clicks-" + ordering, 4, ordering, 1, 1),
                    "ecs", ENV);
            assertThat(notes).as(ordering).containsExactly("warning: task 'enrich': deploy.autoscale.max is 12, "
                    + "above the 4 partitions of topic 'clicks-" + ordering + "': replicas beyond 4 would sit idle, "
                    + "since a partition goes to one member of the consumer group (in every ordering: ordering: "
                    + ordering + " raises what a replica does, not how many replicas get a partition); on ECS the "
                    + "scalable target's MaxCapacity is set to 4");
            assertThat(scalableTarget(checked).path("MaxCapacity").asInt()).as(ordering).isEqualTo(4);
            assertThat(scalableTarget(checked).path("MinCapacity").asInt()).as(ordering).isEqualTo(1);
        }
    }

    @Test
    void aMinAboveThePartitionsIsLoweredWithItAndConcurrencyCountsEachReplicasConsumers() throws IOException {
        Pipeline checked = check(pipeline(KAFKA.bootstrapServers(), "wide", 6, "key", 5, 2), "ecs", ENV);
        assertThat(notes).singleElement().asString()
                .contains("deploy.autoscale.max is 12, above the 6 partitions of topic 'wide' (2 consumers each, "
                        + "inputConfig.concurrency): replicas beyond 3 would sit idle")
                .endsWith("MaxCapacity is set to 3 (and MinCapacity, from 5)");
        assertThat(scalableTarget(checked).path("MaxCapacity").asInt()).isEqualTo(3);
        assertThat(scalableTarget(checked).path("MinCapacity").asInt()).isEqualTo(3);
    }

    @Test
    void onKubernetesItWarnsAndLeavesTheCapToKeda() throws IOException {
        Pipeline pipeline = pipeline(KAFKA.bootstrapServers(), "k8s-clicks", 2, "partition", 1, 1);
        Pipeline checked = check(pipeline, "k8s", ENV);
        assertThat(notes).singleElement().asString().startsWith("warning: task 'enrich': deploy.autoscale.max is 12, "
                + "above the 2 partitions of topic 'k8s-clicks'").endsWith("; KEDA caps at the partition count at run time");
        assertThat(checked).isEqualTo(pipeline);
    }

    @Test
    void aMaxWithinThePartitionsPassesSilently() throws IOException {
        Pipeline pipeline = pipeline(KAFKA.bootstrapServers(), "many", 12, "partition", 1, 1);
        assertThat(check(pipeline, "ecs", ENV)).isEqualTo(pipeline);
        assertThat(notes).isEmpty();
    }

    @Test
    void whenItCannotAskItSaysWhyAndSkipsWithoutPrintingSecrets() throws IOException {
        Pipeline unset = pipeline(KAFKA.bootstrapServers(), "unset", 4, "partition", 1, 1);
        assertThat(check(unset, "ecs", Map.of())).isEqualTo(unset);
        assertThat(notes).containsExactly("note: task 'enrich': deploy.autoscale.max not compared with the partitions "
                + "of topic 'unset': KAFKA_USER (a secret its Kafka properties use) is not set here");

        notes.clear();
        Pipeline nowhere = pipeline("127.0.0.1:1", "nowhere", 0, "partition", 1, 1);
        long started = System.nanoTime();
        assertThat(TaskManager.checkPartitions(nowhere, "ecs", ENV, Duration.ofSeconds(2), notes::add))
                .isEqualTo(nowhere);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(notes).containsExactly("note: task 'enrich': deploy.autoscale.max not compared with the partitions "
                + "of topic 'nowhere': the Kafka cluster at 127.0.0.1:1 did not answer within 2.0 s from here");

        notes.clear();
        Pipeline missing = pipeline(KAFKA.bootstrapServers(), "no-such-topic", 0, "partition", 1, 1);
        assertThat(check(missing, "ecs", ENV)).isEqualTo(missing);
        assertThat(notes).containsExactly("note: task 'enrich': deploy.autoscale.max not compared with the partitions "
                + "of topic 'no-such-topic': the topic does not exist on the Kafka cluster at " + KAFKA.bootstrapServers());

        notes.clear();
        Pipeline unresolved = pipeline("kafka-1.invalid:9093", "clicks", 0, "partition", 1, 1);
        assertThat(check(unresolved, "ecs", ENV)).isEqualTo(unresolved);
        assertThat(notes).containsExactly("note: task 'enrich': deploy.autoscale.max not compared with the partitions "
                + "of topic 'clicks': the Kafka cluster at kafka-1.invalid:9093 could not be asked from here: No "
                + "resolvable bootstrap urls given in bootstrap.servers");
    }
}
