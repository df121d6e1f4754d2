package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.core.spi.StreamSink;
import ai.geniusrise.core.spi.StreamingTask;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loop of a bolt reading a Kafka topic and writing a batch output (S3, local files): the
 * Kafka→S3 interval bolt. Runs on the task's thread.
 *
 * <p>What the bolt emits while processing a record of partition {@code P} goes to {@code P}'s
 * open object, {@code <topic>/partition=<P>/<topic>+<P>+<start>.<ext>}, {@code start} being the
 * offset of its first input record (Kafka Connect's S3 sink names). An object is rolled when it
 * holds {@code maxRecordsPerPart} records or {@code maxBytesPerPart} bytes, when
 * {@code flushInterval} (default {@link #DEFAULT_FLUSH_INTERVAL}) has passed since its first input
 * record, when its partition is revoked, and on stop. Rolling: the bolt's {@code flush} (what it
 * emits goes to the object being rolled), the dead letters are acknowledged, the object is closed and
 * committed as its own run {@code <topic>+<P>+<start>+<end>} through the output's commit markers, and
 * only then is offset {@code end + 1} committed to Kafka.
 *
 * <p>Exactly once in the output: when partitions are assigned, the run ids already committed for
 * them are listed, and a partition whose last published object ends at or past the committed offset
 * (a crash between the object's commit and the offset's) resumes after that object. A replay after
 * a crash before the object's commit starts at the same offset, so it rewrites the same name and its
 * commit marker supersedes the crashed attempt's pending marker. Records that produce no output still
 * advance the committed offset; dead letters go to Kafka at least once.
 */
final class KafkaArchiveLoop {

    /** How long an object stays open at most when {@code flushInterval} is not set. */
    static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(KafkaArchiveLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CLOSE = Duration.ofSeconds(5);

    private final Consumer<byte[], byte[]> consumer;
    private final KafkaStreamingOutput letters;
    private final StreamingTask task;
    private final TaskContext context;
    private final BatchStorage storage;
    private final BatchOutputConfig config;
    private final BatchOutput published;
    private final String topic;
    private final TopicSchemas decoding;
    private final long intervalNanos;
    private final long maxRecords;
    private final long maxBytes;
    private final Map<TopicPartition, OpenObject> open = new HashMap<>();

    private KafkaArchiveLoop(Consumer<byte[], byte[]> consumer, KafkaStreamingOutput letters, StreamingTask task,
                             BatchStorage storage, BatchOutput published, String topic, TopicSchemas decoding) {
        this.consumer = consumer;
        this.letters = letters;
        this.task = task;
        this.context = task.context();
        this.storage = storage;
        this.config = (BatchOutputConfig) context.output();
        this.published = published;
        this.topic = topic;
        this.decoding = decoding;
        Duration interval = config.flushInterval() != null ? config.flushInterval() : DEFAULT_FLUSH_INTERVAL;
        this.intervalNanos = interval.toNanos();
        this.maxRecords = config.maxRecordsPerPart();
        this.maxBytes = config.maxBytesPerPart();
    }

    /** Runs {@code task}, a bolt reading Kafka and writing a batch output, until it is asked to stop. */
    static void run(StreamingTask task) {
        TaskContext context = task.context();
        StreamingInputConfig in = (StreamingInputConfig) context.input();
        BatchOutputConfig out = (BatchOutputConfig) context.output();
        check(in, out);
        String bootstrap = KafkaClients.bootstrapServers(in.bootstrapServers(), "config.inputConfig.bootstrapServers");
        TopicSchemas decoding = TopicSchemas.reading(in);
        String dlq = task.deadLetter() != null ? task.deadLetter() : in.topic() + ".dlq";
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put(in.topic(), "config.inputConfig.source");
        if (task.errors() == ErrorPolicy.DEAD_LETTER) {
            topics.put(dlq, "deadLetter");
        }
        String id = context.pipelineName() + "." + context.taskName();
        String groupId = in.groupId() != null ? in.groupId() : id;
        Map<String, String> producerProps = new HashMap<>();
        in.properties().forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) {
                producerProps.put(k, v);
            }
        });
        Map<String, Object> letterProps = KafkaClients.producer(bootstrap, id + "-dead-letters", null, producerProps);
        int maxRequest = KafkaClients.maxRequestSize(letterProps);
        // the dead-letter topic is created to hold the largest record of the input topic, checked in the same call
        Map<String, Integer> limits = KafkaClients.checkTopics(bootstrap, in.properties(),
                "config.inputConfig.properties", topics, dlq, maxRequest);
        BatchStorage storage = BatchStorage.forScheme(out.scheme(), "config.outputConfig.destination");
        BatchOutput published;
        try {
            published = storage.openOutput(out, context);
        } catch (IOException e) {
            throw new TaskFailedException("task '" + context.taskName() + "' cannot open its output "
                    + out.destination() + ": " + e.getMessage(), e);
        }
        KafkaStreamingOutput letters = null;
        KafkaConsumer<byte[], byte[]> consumer = null;
        try {
            letters = new KafkaStreamingOutput(new KafkaProducer<>(letterProps), context.taskName(), dlq, dlq, null,
                    false, Math.min(maxRequest, limits.getOrDefault(dlq, maxRequest)));
            consumer = new KafkaConsumer<>(KafkaClients.consumer(bootstrap, groupId, id + "-consumer",
                    in.properties()));
            new KafkaArchiveLoop(consumer, letters, task, storage, published, in.topic(), decoding).loop();
        } finally {
            closeAll(consumer, letters, published);
        }
    }

    /** The configs this loop cannot serve, refused before anything is read. */
    private static void check(StreamingInputConfig in, BatchOutputConfig out) {
        if (out.partitionBy() != null) {
            throw new ConfigException("config.outputConfig.partitionBy", "is not available for a bolt reading "
                    + "Kafka: its objects are named after topic, partition and offsets; remove partitionBy");
        }
        if (out.format() == Format.RAW) {
            throw new ConfigException("config.outputConfig.format", "raw (one object per record) is not available "
                    + "for a bolt reading Kafka, which writes many records per object; use jsonl, csv or text");
        }
        if (in.topic().startsWith("_") || in.topic().startsWith(".")) {
            throw new ConfigException("config.inputConfig.source", "topic '" + in.topic() + "' starts with '"
                    + in.topic().charAt(0) + "': objects are named after the topic and readers skip names starting "
                    + "with '_' or '.' as hidden; archive such a topic with a bolt that copies it to another topic");
        }
    }

    private static void closeAll(Consumer<byte[], byte[]> consumer, KafkaStreamingOutput letters,
                                 BatchOutput published) {
        try {
            if (consumer != null) {
                consumer.close(CloseOptions.timeout(CLOSE));
            }
        } finally {
            try {
                if (letters != null) {
                    letters.close(CLOSE);
                }
            } finally {
                try {
                    published.close();
                } catch (IOException e) {
                    LOG.warn("closing {}: {}", published.location(), e.toString());
                }
            }
        }
    }

    private void loop() {
        consumer.subscribe(List.of(topic), new Rebalance());
        task.opened();
        try {
            while (!task.stopRequested()) {
                ConsumerRecords<byte[], byte[]> batch = poll();
                for (TopicPartition tp : batch.partitions()) {
                    OpenObject o = open.computeIfAbsent(tp, OpenObject::new);
                    for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
                        o.add(r);
                        if (o.full()) {
                            roll(o);
                        }
                    }
                }
                long now = System.nanoTime();
                for (OpenObject o : open.values()) {
                    if (o.end >= 0 && now - o.openedAt >= intervalNanos) {
                        roll(o);
                    }
                }
                // objects roll once a minute or so: count what was read in the meantime too
                task.publishCounts();
            }
        } catch (RuntimeException failure) {
            rollAfterFailure(failure);
            throw failure;
        }
        rollAll();
        LOG.info("task '{}': stopped and committed its objects and offsets on {}", context.taskName(), topic);
    }

    /** Polls; a failure of the rebalance listener comes out as the task failure it was. */
    private ConsumerRecords<byte[], byte[]> poll() {
        try {
            return consumer.poll(POLL);
        } catch (KafkaException e) {
            if (e.getCause() instanceof TaskFailedException f) {
                throw f;
            }
            throw e;
        }
    }

    /**
     * The task failed: publish what came before the failure, as Kafka→Kafka bolts commit the
     * offsets before a failed record, so a restart begins at it. An object whose writing failed is
     * dropped, never published.
     */
    private void rollAfterFailure(RuntimeException failure) {
        try {
            rollAll();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            open.values().forEach(OpenObject::discard);
            open.clear();
        }
    }

    private void rollAll() {
        for (OpenObject o : new ArrayList<>(open.values())) {
            roll(o);
        }
    }

    /**
     * Publishes {@code o}: the bolt's flush, dead letters acknowledged, the object committed, then
     * the offset after it. Does nothing for an object that holds no input record yet.
     */
    private void roll(OpenObject o) {
        if (o.broken) {
            o.discard();
            return;
        }
        if (o.end < 0) {
            return;
        }
        task.flush(o);
        letters.flush();
        if (o.writer != null) {
            String runId = runId(o.tp, o.start, o.end);
            try {
                o.writer.close();
                o.output.commit(runId, List.of(o.name));
            } catch (IOException | RuntimeException e) {
                TaskFailedException failure = new TaskFailedException("task '" + context.taskName()
                        + "' could not publish " + o.name + " (offsets " + o.start + " to " + o.end + ") to "
                        + config.destination() + ": " + e.getMessage(), e);
                o.discard();
                throw failure;
            }
            LOG.debug("task '{}': published {} ({} records, offsets {} to {})", context.taskName(), o.name,
                    o.records, o.start, o.end);
        }
        commitOffset(o.tp, o.end + 1);
        o.reset();
    }

    private void commitOffset(TopicPartition tp, long next) {
        try {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the object is published: whoever owns the partition next resumes after it (see recover)
            LOG.warn("task '{}': could not commit offset {} of {}, the group is rebalancing; its next owner resumes "
                    + "after the objects already published: {}", context.taskName(), next, tp, e.toString());
        }
    }

    /** {@code <topic>+<partition>+<start>+<end>}, offsets zero-padded to 10 digits as Kafka Connect does. */
    static String runId(TopicPartition tp, long start, long end) {
        return tp.topic() + "+" + tp.partition() + "+" + pad(start) + "+" + pad(end);
    }

    /** {@code <topic>/partition=<partition>/<topic>+<partition>+<start>}, before the format's suffix. */
    static String objectName(TopicPartition tp, long start) {
        return tp.topic() + "/partition=" + tp.partition() + "/" + tp.topic() + "+" + tp.partition() + "+" + pad(start);
    }

    private static String pad(long offset) {
        return String.format("%010d", offset);
    }

    /**
     * The end offset of the last object published for {@code tp} under the destination, by anyone,
     * or -1 when none was.
     */
    private long lastPublishedEnd(TopicPartition tp) {
        List<String> ids;
        try {
            ids = published.committedRunIds(tp.topic() + "+" + tp.partition() + "+");
        } catch (IOException e) {
            throw new TaskFailedException("task '" + context.taskName() + "' cannot list the objects it published "
                    + "to " + config.destination() + ": " + e.getMessage(), e);
        } catch (UnsupportedOperationException e) {
            throw new ConfigException("config.outputConfig.destination", "the storage of " + config.destination()
                    + " cannot list the runs committed to it, which a bolt reading Kafka needs to resume exactly "
                    + "where it stopped: " + e.getMessage(), e);
        }
        long last = -1;
        for (String id : ids) {
            try {
                last = Math.max(last, Long.parseLong(id.substring(id.lastIndexOf('+') + 1)));
            } catch (NumberFormatException notOurs) {
                // a run of another writer sharing the destination: not an offset range
            }
        }
        return last;
    }

    /**
     * Moves newly assigned partitions past the objects already published: the committed offset
     * lags behind them only when a run crashed between committing an object and committing its
     * offset.
     */
    private void recover(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        Map<TopicPartition, OffsetAndMetadata> ahead = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long end = lastPublishedEnd(tp);
            OffsetAndMetadata at = committed.get(tp);
            if (end >= 0 && (at == null || at.offset() <= end)) {
                consumer.seek(tp, end + 1);
                ahead.put(tp, new OffsetAndMetadata(end + 1));
                LOG.info("task '{}': {} resumes at offset {}, after the last object published, ahead of the "
                        + "committed offset {}", context.taskName(), tp, end + 1, at == null ? "(none)" : at.offset());
            }
        }
        if (!ahead.isEmpty()) {
            consumer.commitSync(ahead);
        }
    }

    /** The object a partition is filling, and the sink its records are emitted into. */
    private final class OpenObject implements StreamSink {
        final TopicPartition tp;
        long start;
        long end = -1;
        long openedAt;
        long records;
        BatchOutput output;
        PartWriter writer;
        String name;
        boolean broken;

        OpenObject(TopicPartition tp) {
            this.tp = tp;
        }

        void add(ConsumerRecord<byte[], byte[]> r) {
            if (end < 0) {
                start = r.offset();
            }
            Record in = KafkaStreamingInput.toRecord(r);
            Record decoded = in;
            if (decoding != null) {
                // keyFormat/valueFormat: decoded into JSON first; one not matching its schema is rejected
                try {
                    decoded = decoding.decode(in);
                } catch (SchemaMismatchException e) {
                    task.reject(in, e, this);
                    decoded = null;
                }
            }
            if (decoded != null) {
                task.process(decoded, this);
            }
            if (end < 0) {
                openedAt = System.nanoTime();
            }
            end = r.offset();
        }

        boolean full() {
            return (maxRecords > 0 && records >= maxRecords)
                    || (maxBytes > 0 && writer != null && writer.bytesWritten() >= maxBytes);
        }

        @Override
        public void send(Record record) {
            try {
                if (writer == null) {
                    output = storage.openOutput(config, context);
                    name = objectName(tp, start);
                    writer = output.createPart(name);
                }
                writer.write(record);
                records++;
            } catch (IOException | RuntimeException e) {
                broken = true;
                throw new TaskFailedException("task '" + context.taskName() + "' cannot write to "
                        + config.destination() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void deadLetter(Record original, String reason, Throwable error) {
            letters.deadLetter(original, reason, error);
        }

        @Override
        public void awaitAcknowledged() {
            letters.flush();
        }

        void reset() {
            closeOutput();
            end = -1;
            records = 0;
            writer = null;
            output = null;
            name = null;
            broken = false;
        }

        /** Forgets the object without publishing it. */
        void discard() {
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException | RuntimeException e) {
                    // being dropped: the output's abort removes it
                }
            }
            reset();
        }

        private void closeOutput() {
            if (output != null) {
                try {
                    output.close();
                } catch (IOException e) {
                    LOG.warn("task '{}': closing the output of {}: {}", context.taskName(), name, e.toString());
                }
            }
        }
    }

    /** Publishes what is revoked, forgets what is lost, and resumes what is assigned after what is published. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                OpenObject o = open.remove(tp);
                if (o != null) {
                    roll(o);
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("task '{}': assigned {}", context.taskName(), partitions);
            recover(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            LOG.warn("task '{}': lost {} without a rebalance; their objects still open are dropped and written "
                    + "again by their new owner", context.taskName(), partitions);
            for (TopicPartition tp : partitions) {
                OpenObject o = open.remove(tp);
                if (o != null) {
                    o.discard();
                }
            }
        }
    }
}
