package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A dead letter keeps what the failed record was: a tombstone stays a tombstone. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TombstoneDeadLetterTest {

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    /** Refuses records without a value; passes the others on. */
    public static final class NoTombstones extends Bolt {
        @Override
        protected void process(Record in, Emitter out) {
            if (in.isTombstone()) {
                throw new IllegalArgumentException("no value for key " + in.keyAsString());
            }
            out.emit(in);
        }
    }

    @Test
    void aTombstoneThatFailsIsDeadLetteredWithANullValueAndAReasonNamingTheException() throws Exception {
        KAFKA.createTopic("tomb-in", 1);
        KAFKA.createTopic("tomb-out", 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("tomb-in", bytes("a"), bytes("1")));
            producer.send(new ProducerRecord<>("tomb-in", bytes("b"), null));
            producer.send(new ProducerRecord<>("tomb-in", bytes("c"), new byte[0]));
            producer.flush();
        }
        TaskSpec spec = TaskSpec.builder("tombs", TaskSpec.Kind.BOLT).taskClass(NoTombstones.class)
                .input(StreamingInputConfig.builder("tomb-in").bootstrapServers(KAFKA.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).build())
                .output(StreamingOutputConfig.builder("tomb-out").bootstrapServers(KAFKA.bootstrapServers()).build())
                .errors(ErrorPolicy.DEAD_LETTER).build();
        KafkaTopics topics = new KafkaTopics(KAFKA.bootstrapServers());

        List<ConsumerRecord<byte[], byte[]>> letters;
        try (RunningTask task = RunningTask.start(spec, new NoTombstones())) {
            letters = topics.read("tomb-in.dlq", false, 1, Duration.ofSeconds(30));
            assertThat(topics.read("tomb-out", false, 2, Duration.ofSeconds(30))).hasSize(2);
            RunSummary summary = task.stop(Duration.ofSeconds(20));
            assertThat(summary.deadLettered()).isEqualTo(1);
        }

        assertThat(letters).hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = letters.get(0);
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("b");
        assertThat(letter.value()).as("the dead letter of a tombstone is a tombstone").isNull();
        assertThat(new String(letter.headers().lastHeader("geniusrise.reason").value(), StandardCharsets.UTF_8))
                .isEqualTo("IllegalArgumentException: no value for key b");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
