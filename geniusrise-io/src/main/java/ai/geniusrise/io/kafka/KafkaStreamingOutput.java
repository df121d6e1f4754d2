package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskFailedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kafka side of a streaming task: sends its records to the output topic and its dead letters to
 * the dead-letter topic, through one producer. Asynchronous sends; the first failed send is
 * remembered and fails the next call, so nothing is committed past a record that was not written.
 * Transactional when the task is exactly-once: sends then belong to the open transaction. Counts
 * the bytes in flight (sent, not yet acknowledged: key and value) so that the input can pause its
 * partitions when the output falls behind. Used by one task thread only, but for {@link #send} and
 * {@link #deadLetter} outside a transaction, which the workers of a {@link KeyedDispatcher} call at
 * once (the producer is thread-safe); the producer's callbacks run on its I/O thread and only update
 * the in-flight count and the first error.
 *
 * <p>A dead letter that would not fit in the dead-letter topic (its {@code max.message.bytes}, or
 * the producer's {@code max.request.size}) is sent with its value cut to fit and the headers
 * {@code geniusrise.value.truncated: true} and {@code geniusrise.value.bytes} (the original
 * length), beside the source position headers, so that one oversized poison record cannot stop
 * the task (and every restart of it) at the same offset.
 */
final class KafkaStreamingOutput implements KafkaStreamingInput.Output, AutoCloseable {

    static final String H_TASK = "geniusrise.task";
    static final String H_REASON = "geniusrise.reason";
    static final String H_ERROR_CLASS = "geniusrise.error.class";
    static final String H_ERROR_MESSAGE = "geniusrise.error.message";
    static final String H_SOURCE_TOPIC = "geniusrise.source.topic";
    static final String H_SOURCE_PARTITION = "geniusrise.source.partition";
    static final String H_SOURCE_OFFSET = "geniusrise.source.offset";
    static final String H_FAILED_AT = "geniusrise.failed.at";
    static final String H_SOURCE_LOCATION = "geniusrise.source.location";
    static final String H_SOURCE_OBJECT = "geniusrise.source.object";
    static final String H_SOURCE_INDEX = "geniusrise.source.index";
    static final String H_VALUE_TRUNCATED = "geniusrise.value.truncated";
    static final String H_VALUE_BYTES = "geniusrise.value.bytes";
    /** The registry id of the schema a dead letter's key or value did not match. */
    static final String H_SCHEMA_ID = "geniusrise.schema.id";
    /** Longest reason or error message a dead letter carries in a header, in characters. */
    private static final int MAX_ERROR_MESSAGE_CHARS = 4096;
    /**
     * Bytes a record batch of one record takes beyond its key, value and header bytes (batch and
     * record framing, varints), rounded up generously.
     */
    private static final int RECORD_OVERHEAD = 512;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaStreamingOutput.class);

    /** Reads a value's {@code keyField}; made on first use, not by a task that has none. */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    }

    private final Producer<byte[], byte[]> producer;
    private final String task;
    private final String topic;
    private final String deadLetterTopic;
    private final String keyField;
    private final boolean transactional;
    private final int deadLetterMaxBytes;
    /** The first send that failed, and the topic it went to. */
    private volatile FailedSend sendError;
    private final AtomicLong inFlightBytes = new AtomicLong();
    private boolean inTransaction;
    /** What the sends from now on are counted in; replaced by {@link #mark()}. */
    private volatile Mark current = new Mark();

    /**
     * @param deadLetterMaxBytes the largest record the dead-letter topic takes through this producer:
     *                           the smaller of its {@code max.message.bytes} and the producer's
     *                           {@code max.request.size}
     */
    KafkaStreamingOutput(Producer<byte[], byte[]> producer, String task, String topic, String deadLetterTopic,
                         String keyField, boolean transactional, int deadLetterMaxBytes) {
        this.producer = producer;
        this.deadLetterMaxBytes = deadLetterMaxBytes;
        this.task = task;
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        this.keyField = keyField;
        this.transactional = transactional;
        if (transactional) {
            producer.initTransactions();
        }
    }

    /** Bytes of keys and values sent and not yet acknowledged (or failed). */
    @Override
    public long inFlightBytes() {
        return inFlightBytes.get();
    }

    /**
     * Counts a record to {@code topic} as in flight, and in the current {@link Mark}; its callback
     * takes it out when the producer is done with it.
     */
    private Callback sent(String topic, byte[] key, byte[] value) {
        long bytes = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        inFlightBytes.addAndGet(bytes);
        Mark mark = current;
        mark.unacknowledged.incrementAndGet();
        return new Sent(topic, bytes, mark);
    }

    /**
     * The sends between two calls of {@link #mark()}: acknowledged once every one of them is, and
     * never if one failed. Lets the loop commit the offsets of what came before a mark as soon as
     * its output is acknowledged, without flushing the producer.
     */
    static final class Mark {
        private final AtomicLong unacknowledged = new AtomicLong();
        private volatile boolean sealed;

        /** True once sealed and every send counted in it is acknowledged (none failed). */
        boolean acknowledged() {
            return sealed && unacknowledged.get() == 0;
        }
    }

    /**
     * Closes the current mark and opens a new one for the sends from now on; returns the closed one.
     * Called by the loop's thread only, when no other thread sends (ordering: partition).
     */
    @Override
    public Mark mark() {
        Mark sealed = current;
        current = new Mark();
        sealed.sealed = true;
        return sealed;
    }

    /**
     * The completion of one send: remembers the first error and its topic, takes the record's bytes out
     * of flight and, when it succeeded, out of its mark's count (a failed send keeps its mark from ever
     * being acknowledged).
     */
    private final class Sent implements Callback {
        private final String topic;
        private final long bytes;
        private final Mark mark;

        Sent(String topic, long bytes, Mark mark) {
            this.topic = topic;
            this.bytes = bytes;
            this.mark = mark;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception e) {
            if (e != null) {
                if (sendError == null) {
                    sendError = new FailedSend(topic, e);
                }
            } else {
                mark.unacknowledged.decrementAndGet();
            }
            inFlightBytes.addAndGet(-bytes);
        }
    }

    @Override
    public void send(Record record) {
        checkSent();
        beginIfNeeded();
        byte[] key = keyField == null ? record.key() : keyOf(record, keyField);
        producer.send(new ProducerRecord<>(topic, null, record.timestamp() > 0 ? record.timestamp() : null, key,
                record.value(), headers(record.headers())), sent(topic, key, record.value()));
    }

    @Override
    public void deadLetter(Record original, String reason, Throwable error) {
        checkSent();
        beginIfNeeded();
        RecordHeaders h = headers(original.headers());
        if (h == null) {
            h = new RecordHeaders();
        }
        add(h, H_TASK, task);
        add(h, H_REASON, capped(reason));
        if (error != null) {
            add(h, H_ERROR_CLASS, error.getClass().getName());
            add(h, H_ERROR_MESSAGE, capped(String.valueOf(error.getMessage())));
            if (error instanceof SchemaMismatchException m && m.schemaId() >= 0) {
                add(h, H_SCHEMA_ID, Integer.toString(m.schemaId()));
            }
        }
        if (original.position() instanceof Position.InTopic p) {
            add(h, H_SOURCE_TOPIC, p.topic());
            add(h, H_SOURCE_PARTITION, Integer.toString(p.partition()));
            add(h, H_SOURCE_OFFSET, Long.toString(p.offset()));
        } else if (original.position() instanceof Position.InObject o) {
            add(h, H_SOURCE_LOCATION, o.location());
            add(h, H_SOURCE_OBJECT, o.object());
            add(h, H_SOURCE_INDEX, Long.toString(o.index()));
        }
        add(h, H_FAILED_AT, Instant.now().toString());
        byte[] value = fitting(original, h);
        producer.send(new ProducerRecord<>(deadLetterTopic, null,
                original.timestamp() > 0 ? original.timestamp() : null, original.key(), value, h),
                sent(deadLetterTopic, original.key(), value));
    }

    /** {@code text} cut to {@link #MAX_ERROR_MESSAGE_CHARS}: an error's message may quote the whole record. */
    private static String capped(String text) {
        return text == null || text.length() <= MAX_ERROR_MESSAGE_CHARS ? text
                : text.substring(0, MAX_ERROR_MESSAGE_CHARS) + "...";
    }

    /**
     * The value of the dead letter of {@code original} with headers {@code h}: the original value,
     * or as much of it as fits in {@link #deadLetterMaxBytes} (then the headers say so).
     */
    private byte[] fitting(Record original, RecordHeaders h) {
        byte[] value = original.isTombstone() ? null : original.value();
        long others = RECORD_OVERHEAD + (original.key() == null ? 0 : original.key().length);
        for (Header header : h) {
            others += header.key().length() + (header.value() == null ? 0 : header.value().length) + 10;
        }
        if (value == null || others + value.length <= deadLetterMaxBytes) {
            return value;
        }
        int room = (int) Math.max(0, deadLetterMaxBytes - others - 64); // 64: the two headers added below
        add(h, H_VALUE_TRUNCATED, "true");
        add(h, H_VALUE_BYTES, Integer.toString(value.length));
        LOG.warn("task '{}': the dead letter of the record at {} is {} bytes, more than the dead-letter topic '{}' "
                + "takes ({} bytes): sending its first {} bytes, with the header {}", task, original.position(),
                value.length, deadLetterTopic, deadLetterMaxBytes, room, H_VALUE_TRUNCATED);
        return Arrays.copyOf(value, Math.min(room, value.length));
    }

    /** At-least-once commit point: waits until every record sent so far is acknowledged. */
    @Override
    public void flush() {
        producer.flush();
        checkSent();
    }

    @Override
    public void awaitAcknowledged() {
        flush();
    }

    /** Exactly-once commit point: commits the open transaction with {@code offsets}, or does nothing when idle. */
    @Override
    public void commitTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        if (!inTransaction && offsets.isEmpty()) {
            return;
        }
        beginIfNeeded();
        if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, group);
        }
        producer.commitTransaction();
        inTransaction = false;
        checkSent();
    }

    /** Drops the open transaction, if any; its records are never visible to read_committed consumers. */
    @Override
    public void abortTransaction() {
        if (inTransaction) {
            inTransaction = false;
            producer.abortTransaction();
        }
        sendError = null;
    }

    private void beginIfNeeded() {
        if (transactional && !inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
    }

    private record FailedSend(String topic, Exception error) {
    }

    @Override
    public void check() {
        checkSent();
    }

    private void checkSent() {
        FailedSend failed = sendError;
        if (failed != null) {
            throw new TaskFailedException("task '" + task + "' could not write to Kafka topic '" + failed.topic()
                    + "': " + failed.error().getClass().getSimpleName() + ": " + failed.error().getMessage(),
                    failed.error());
        }
    }

    /**
     * The key of {@code record} by {@code keyField}: the field's text (a value node) or JSON; the
     * record's own key when the value is not JSON or lacks the field.
     */
    static byte[] keyOf(Record record, String keyField) {
        try {
            JsonNode field = Json.MAPPER.readTree(record.value()).get(keyField);
            if (field == null || field.isNull()) {
                return record.key();
            }
            return (field.isValueNode() ? field.asText() : field.toString()).getBytes(StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException notJson) {
            // documented on StreamingOutputConfig.keyField: a value that is not JSON keeps the record's key
            return record.key();
        }
    }

    private static RecordHeaders headers(Map<String, byte[]> headers) {
        if (headers.isEmpty()) {
            return null;
        }
        RecordHeaders h = new RecordHeaders();
        headers.forEach((k, v) -> h.add(new RecordHeader(k, v)));
        return h;
    }

    private static void add(RecordHeaders h, String name, String value) {
        h.remove(name);
        h.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Closes the producer, waiting at most {@code timeout} for records still in flight. */
    @Override
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
