package ai.geniusrise.testkit.kafka;

import ai.geniusrise.testkit.ContainerServer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers' Kafka module, kept apart from {@link KafkaExtension} so that the extension loads
 * without the optional {@code org.testcontainers:testcontainers-kafka} on the classpath.
 */
final class KafkaContainers {

    /** The image: the Apache Kafka project's own, a KRaft broker like the embedded one. */
    static final String IMAGE = "apache/kafka:4.1.0";

    /** The container port {@link KafkaContainer} advertises to clients, through its mapping. */
    private static final int PORT = 9092;

    private KafkaContainers() {
    }

    /** Starts a single-node broker in a container; clients reach it at the container's host and mapped port. */
    static ContainerServer start() {
        return ContainerServer.start(new KafkaContainer(DockerImageName.parse(IMAGE)), PORT);
    }
}
