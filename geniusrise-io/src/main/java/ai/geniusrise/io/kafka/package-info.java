/**
 * Kafka streaming: the engine that runs Kafka→Kafka bolts (at-least-once by default, exactly-once
 * with {@code guarantee: exactly_once}) and streaming spouts writing to Kafka. Found by the runtime
 * through {@link java.util.ServiceLoader}; tasks never see these classes, only their
 * {@code inputConfig}/{@code outputConfig} of {@code type: streaming}.
 */
package ai.geniusrise.io.kafka;
