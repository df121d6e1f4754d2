/**
 * Kafka streaming: the engine that runs Kafka→Kafka bolts (at-least-once by default, exactly-once
 * with {@code guarantee: exactly_once}), bolts reading Kafka and writing a batch output at
 * intervals (Kafka→S3: each record in exactly one published object) and streaming spouts writing to
 * Kafka. Found by the runtime through {@link java.util.ServiceLoader}; tasks never see these
 * classes, only their {@code inputConfig}/{@code outputConfig}.
 */
package ai.geniusrise.io.kafka;
