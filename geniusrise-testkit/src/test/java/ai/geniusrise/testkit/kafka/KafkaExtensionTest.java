package ai.geniusrise.testkit.kafka;

import ai.geniusrise.testkit.ServerSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KafkaExtensionTest {

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final KafkaExtension EMBEDDED = KafkaExtension.embedded();

    private static void produce(String bootstrap, String topic, int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
    }

    @Test
    void theEnvironmentsBrokerServesTopicsCreatedThroughTheExtension() throws Exception {
        boolean existing = System.getenv(KafkaExtension.BOOTSTRAP_ENV) != null;
        assertThat(KAFKA.source()).as("embedded unless %s names a cluster or containers are asked for",
                KafkaExtension.BOOTSTRAP_ENV).isIn(existing ? ServerSource.EXISTING : ServerSource.EMBEDDED,
                ServerSource.CONTAINER);
        KAFKA.createTopic("ext-topic", 3);
        KAFKA.createTopic("ext-topic", 3);
        produce(KAFKA.bootstrapServers(), "ext-topic", 0, 50);

        assertThat(KAFKA.read("ext-topic", 50)).extracting(r -> r.value()).hasSize(50).contains("v0", "v49");
    }

    @Test
    void anEmbeddedBrokerRestartsUnderTheSameAddressKeepingItsRecords() throws Exception {
        EMBEDDED.createTopic("restarted", 1);
        produce(EMBEDDED.bootstrapServers(), "restarted", 0, 10);
        String before = EMBEDDED.bootstrapServers();
        EMBEDDED.server().stop();
        assertThat(EMBEDDED.server().isRunning()).isFalse();
        EMBEDDED.server().start();
        produce(EMBEDDED.bootstrapServers(), "restarted", 10, 20);

        assertThat(EMBEDDED.source()).isEqualTo(ServerSource.EMBEDDED);
        assertThat(EMBEDDED.bootstrapServers()).isEqualTo(before).isEqualTo(EMBEDDED.server().bootstrapServers());
        assertThat(EMBEDDED.read("restarted", 20)).extracting(r -> r.value()).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void twoExtensionsAreTwoClustersAndOnlyAnEmbeddedOneCanBeStopped() {
        assertThat(KAFKA.bootstrapServers()).isNotEqualTo(EMBEDDED.bootstrapServers());
        if (KAFKA.source() != ServerSource.EMBEDDED) {
            assertThatThrownBy(KAFKA::server).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("use KafkaExtension.embedded() to stop and start it");
        } else {
            assertThat(KAFKA.server().bootstrapServers()).isEqualTo(KAFKA.bootstrapServers());
        }
    }
}
