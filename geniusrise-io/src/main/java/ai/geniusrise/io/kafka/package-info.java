/**
 * Kafka streaming: the engine that runs Kafka→Kafka bolts (at-least-once by default, exactly-once
 * with {@code guarantee: exactly_once}; {@code concurrency} group members per process; partitions
 * paused while the output is behind), bolts reading Kafka and writing a batch output at intervals
 * (Kafka→S3: each record in exactly one published object) and streaming spouts writing to Kafka.
 * Found by the runtime through {@link java.util.ServiceLoader}; tasks never see these classes, only
 * their {@code inputConfig}/{@code outputConfig}. One public task:
 * {@link ai.geniusrise.io.kafka.KafkaBridgeSpout}, which copies a topic (of another cluster, or the
 * same) to the task's output topic.
 */
package ai.geniusrise.io.kafka;
