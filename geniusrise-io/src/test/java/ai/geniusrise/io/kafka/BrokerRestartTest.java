package ai.geniusrise.io.kafka;

import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A running bolt survives its broker going away and coming back. */
class BrokerRestartTest {

    private static final int RECORDS = 30_000;

    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.embedded();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBrokerRestartInTheMiddleOfARunLosesNothing() throws Exception {
        EmbeddedKafka kafka = KAFKA.server();
        kafka.createTopic("in", 4);
        kafka.createTopic("out", 4);
        KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers());
        topics.produce("in", 0, RECORDS / 2, i -> "v" + i);
        TaskSpec spec = TaskSpec.builder("survivor", TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(StreamingInputConfig.builder("in").bootstrapServers(kafka.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).build())
                .output(StreamingOutputConfig.builder("out").bootstrapServers(kafka.bootstrapServers()).build())
                .build();
        try (RunningTask task = RunningTask.start(spec, new UppercaseBolt())) {
            assertThat(topics.read("out", false, 1000, Duration.ofSeconds(30))).hasSizeGreaterThanOrEqualTo(1000);
            kafka.stop();
            Thread.sleep(2000);
            kafka.start();
            topics.produce("in", RECORDS / 2, RECORDS / 2, i -> "v" + i);

            Set<String> seen = new HashSet<>(KafkaTopics.values(
                    topics.read("out", false, RECORDS, Duration.ofSeconds(60))));
            task.stop(Duration.ofSeconds(30));
            assertThat(KafkaTopics.missing(seen, RECORDS, i -> "V" + i)).as("records lost").isEmpty();
            assertThat(task.result).isCompleted();
        }
    }
}
