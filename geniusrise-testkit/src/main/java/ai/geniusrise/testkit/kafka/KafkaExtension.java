package ai.geniusrise.testkit.kafka;

import ai.geniusrise.testkit.ContainerServer;
import ai.geniusrise.testkit.ServerExtension;
import ai.geniusrise.testkit.ServerSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.List;

/**
 * A JUnit 5 extension that gives a test class a real Kafka broker, started before its first test
 * and stopped after its last. Where it comes from is {@link ServerSource}'s choice: the cluster
 * whose bootstrap servers {@value #BOOTSTRAP_ENV} names, else an {@code apache/kafka} container
 * (Testcontainers' Kafka module, {@code org.testcontainers:testcontainers-kafka}, which the project
 * then declares) when containers are asked for and Docker answers, else an {@link EmbeddedKafka}
 * (KRaft, inside the test JVM, from the Kafka artifacts).
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final KafkaExtension KAFKA = new KafkaExtension();
 *
 *     @Test
 *     void copiesClicks() {
 *         KAFKA.createTopic("clicks", 4);
 *         StreamingInputConfig in = StreamingInputConfig.builder("clicks")
 *                 .bootstrapServers(KAFKA.bootstrapServers()).build();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * Tests that stop and start the broker use {@link #embedded()}: always an embedded broker,
 * whatever the environment says. Tests sharing a broker (an existing cluster above all) should use
 * topics and consumer groups of their own.
 */
public final class KafkaExtension extends ServerExtension<EmbeddedKafka> {

    /** The bootstrap servers ({@code host:port,...}) of an existing cluster to use instead of starting one. */
    public static final String BOOTSTRAP_ENV = "GENIUSRISE_TEST_KAFKA_BOOTSTRAP";

    /** The broker the environment chooses; public for {@code @ExtendWith} and {@code @RegisterExtension}. */
    public KafkaExtension() {
        this(false);
    }

    private KafkaExtension(boolean embeddedOnly) {
        super("Kafka", BOOTSTRAP_ENV, embeddedOnly);
    }

    /** Always an {@link EmbeddedKafka}, for tests that stop and start it. */
    public static KafkaExtension embedded() {
        return new KafkaExtension(true);
    }

    @Override
    protected ContainerServer startContainer() {
        return KafkaContainers.start();
    }

    @Override
    protected String address(ContainerServer started) {
        return started.host() + ":" + started.port();
    }

    @Override
    protected EmbeddedKafka startEmbedded() {
        return EmbeddedKafka.builder().build().start();
    }

    @Override
    protected String address(EmbeddedKafka started) {
        return started.bootstrapServers();
    }

    /** The broker's {@code host:port,...}, for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return address();
    }

    /** Creates a topic with the cluster's default replication, or does nothing if it exists. */
    public void createTopic(String topic, int partitions) {
        EmbeddedKafka.createTopic(bootstrapServers(), topic, partitions);
    }

    /**
     * Reads {@code topic} from the beginning as a {@code read_committed} consumer, until
     * {@code expected} records have arrived or 30 s have passed (see {@link EmbeddedKafka#read}).
     */
    public List<ConsumerRecord<String, String>> read(String topic, int expected) {
        return EmbeddedKafka.read(bootstrapServers(), topic, expected, Duration.ofSeconds(30));
    }

    /**
     * The embedded broker, to stop and start it.
     *
     * @throws IllegalStateException if the broker is not an embedded one
     */
    public EmbeddedKafka server() {
        return embedded("the Kafka cluster at " + bootstrapServers() + " is " + source()
                + ", not embedded: use KafkaExtension.embedded() to stop and start it");
    }
}
