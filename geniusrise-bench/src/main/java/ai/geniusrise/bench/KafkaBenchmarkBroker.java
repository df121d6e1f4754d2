package ai.geniusrise.bench;

import ai.geniusrise.testkit.kafka.EmbeddedKafka;

import java.io.IOException;

/**
 * The Kafka benchmark's broker, in a JVM of its own (the test kit's single-node KRaft broker, the
 * same settings as every embedded broker of our tests): prints {@code BOOTSTRAP <servers>} once it
 * serves, and stops cleanly when its standard input closes (the benchmark ended or died).
 */
public final class KafkaBenchmarkBroker {

    private KafkaBenchmarkBroker() {
    }

    public static void main(String[] args) throws IOException {
        EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
        System.out.println("BOOTSTRAP " + kafka.bootstrapServers());
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // wait for end of input
            }
        } finally {
            kafka.close();
        }
        System.exit(0);
    }
}
