package ai.geniusrise.io.kafka;

import ai.geniusrise.core.AcknowledgingEmitter;
import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.Spout;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.spi.StreamSink;
import ai.geniusrise.core.spi.StreamingTask;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Map;

/**
 * A streaming spout that copies a Kafka topic, on the same cluster or another one, to the task's
 * output topic: keys, values, headers and timestamps unchanged (the output partition is chosen
 * from the key, as for any record the task writes).
 *
 * <pre>{@code
 * - name: mirror
 *   type: spout
 *   class: ai.geniusrise.io.kafka.KafkaBridgeSpout
 *   config:
 *     inputConfig: {type: streaming, source: clicks, bootstrapServers: "eu-kafka:9092",
 *                   properties: {security.protocol: SASL_SSL}}
 *     outputConfig: {type: streaming, destination: clicks-eu}
 * }</pre>
 *
 * <p>The source is {@code inputConfig.source} on {@code inputConfig.bootstrapServers} (default: the
 * output's cluster); {@code properties} go to its consumer, {@code groupId} defaults to
 * {@code <pipeline>.<task>}, {@code commitInterval} to one second, {@code commitRecords} to 10,000. Scale it with {@code replicas}:
 * one consumer per process ({@code concurrency} above 1 is an error).
 *
 * <p>Delivery: at-least-once. It runs the same consume loop as a Kafka→Kafka bolt: at each commit
 * point (every {@code commitInterval} or {@code commitRecords}, when partitions are revoked, on stop) it waits until every
 * record it emitted is acknowledged by the output cluster, and only then commits the source
 * offsets. A crash repeats at most what was copied since the last commit point (at most
 * {@code commitRecords} records); nothing is lost.
 * Exactly-once is not offered: a transaction cannot span two clusters.
 */
public class KafkaBridgeSpout extends Spout {

    private String topic;
    private Duration commitInterval;
    private long commitRecords;
    private Map<String, Object> consumerProperties;

    /** For the runtime. */
    public KafkaBridgeSpout() {
    }

    /**
     * Checks the configs and that the source topic exists.
     *
     * @throws ConfigException naming the config field at fault
     */
    @Override
    public void open(TaskContext context) throws Exception {
        super.open(context);
        if (!(context.output() instanceof StreamingOutputConfig output)) {
            throw new ConfigException("config.outputConfig.type", "the Kafka bridge commits its source offsets "
                    + "only once the output has acknowledged the records, so it needs a streaming output "
                    + "(type: streaming)");
        }
        if (!(context.input() instanceof StreamingInputConfig in)) {
            throw new ConfigException("config.inputConfig.type", "the Kafka bridge reads a Kafka topic: "
                    + "type: streaming with source: <topic>");
        }
        if (in.concurrency() != 1) {
            throw new ConfigException("config.inputConfig.concurrency", "the Kafka bridge runs one consumer per "
                    + "process; scale it with replicas, got concurrency " + in.concurrency());
        }
        String bootstrap = in.bootstrapServers() != null ? in.bootstrapServers()
                : KafkaClients.bootstrapServers(output.bootstrapServers(), "config.inputConfig.bootstrapServers");
        KafkaClients.checkTopics(bootstrap, in.properties(), "config.inputConfig.properties",
                Map.of(in.topic(), "config.inputConfig.source"), null, 0);
        String id = context.pipelineName() + "." + context.taskName();
        topic = in.topic();
        commitInterval = in.commitInterval();
        commitRecords = in.commitRecords();
        consumerProperties = KafkaClients.consumer(bootstrap, in.groupId() != null ? in.groupId() : id,
                id + "-bridge", in.properties());
    }

    @Override
    protected void produce(Emitter out) {
        if (!(out instanceof AcknowledgingEmitter acks)) {
            throw new IllegalStateException("a streaming spout's emitter acknowledges its records; got " + out);
        }
        KafkaStreamingInput loop = new KafkaStreamingInput(new KafkaConsumer<>(consumerProperties),
                new EmitterOutput(acks), new Copy(context()), topic, commitInterval, commitRecords,
                String.valueOf(consumerProperties.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)), Long.MAX_VALUE,
                context()::stopRequested);
        loop.runAndClose();
    }

    /**
     * The consume loop's view of this spout: every record is passed on unchanged. Its in-flight
     * bound is the output producer's own {@code buffer.memory}: a full buffer blocks the emit.
     */
    private record Copy(TaskContext context) implements StreamingTask {

        @Override
        public boolean isSpout() {
            return true;
        }

        @Override
        public Guarantee guarantee() {
            return Guarantee.AT_LEAST_ONCE;
        }

        @Override
        public ErrorPolicy errors() {
            return ErrorPolicy.FAIL;
        }

        @Override
        public String deadLetter() {
            return null;
        }

        @Override
        public StreamingTask member() {
            throw new UnsupportedOperationException("the Kafka bridge runs one consumer per process");
        }

        @Override
        public boolean stopRequested() {
            return context.stopRequested();
        }

        @Override
        public void process(Record in, StreamSink sink) {
            sink.send(in);
        }

        @Override
        public void reject(Record record, Throwable error, StreamSink sink) {
            throw new TaskFailedException("the Kafka bridge cannot pass on the record at " + record.position() + ": "
                    + error.getMessage(), error);
        }

        @Override
        public void flush(StreamSink sink) {
        }

        @Override
        public void produce(StreamSink sink) {
            throw new UnsupportedOperationException("the Kafka bridge's loop only copies records");
        }
    }

    /** The spout's emitter as the loop's output: acknowledged means acknowledged by the task's output. */
    private record EmitterOutput(AcknowledgingEmitter out) implements KafkaStreamingInput.Output {

        @Override
        public void send(Record record) {
            out.emit(record);
        }

        @Override
        public void deadLetter(Record original, String reason, Throwable error) {
            out.deadLetter(original, reason);
        }

        @Override
        public void awaitAcknowledged() {
            out.awaitAcknowledged();
        }

        @Override
        public void flush() {
            out.awaitAcknowledged();
        }

        @Override
        public long inFlightBytes() {
            return 0;
        }

        @Override
        public void commitTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
            throw new UnsupportedOperationException("the Kafka bridge is at-least-once");
        }

        @Override
        public void abortTransaction() {
            throw new UnsupportedOperationException("the Kafka bridge is at-least-once");
        }

        @Override
        public void close(Duration timeout) {
            // the runtime flushes and closes the task's output after produce returns
        }
    }
}
