package ai.geniusrise.testkit.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKafkaTest {

    @Test
    void recordsProducedBeforeARestartAreConsumedAfterIt() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createTopic("t", 2);
            produce(kafka, "t", 0, 100);
            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            kafka.start();
            produce(kafka, "t", 100, 200);

            assertThat(kafka.read("t", 200)).extracting(r -> r.value()).hasSize(200).doesNotHaveDuplicates();
        }
    }

    @Test
    @Timeout(120)
    void aNewBrokerOnAKeptLogFolderStartsWithItsTopicsAndRecords(@TempDir Path dir) throws Exception {
        Path logs = dir.resolve("kafka");
        try (EmbeddedKafka first = EmbeddedKafka.builder().logDir(logs).build().start()) {
            first.createTopic("kept", 1);
            produce(first, "kept", 0, 10);
        }
        try (EmbeddedKafka second = EmbeddedKafka.builder().logDir(logs).build().start()) {
            produce(second, "kept", 10, 20);

            assertThat(second.read("kept", 20)).extracting(r -> r.value()).hasSize(20).doesNotHaveDuplicates()
                    .contains("v0", "v19");
        }
    }

    private static void produce(EmbeddedKafka kafka, String topic, int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
    }

}
