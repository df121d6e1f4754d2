package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.spi.StreamSink;
import ai.geniusrise.core.spi.StreamingTask;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The consume → process → produce loop of one consumer-group member, on one thread: a
 * Kafka→Kafka bolt's (one loop per {@code concurrency} member) or the Kafka bridge spout's.
 *
 * <p><b>At-least-once</b>: records are sent asynchronously; at each commit point (every
 * {@code commitInterval}, after every {@code commitRecords} records processed, when a poll comes
 * back empty with records processed since the last commit point, when partitions are revoked, and
 * on stop) the bolt is flushed, the output is flushed (every record sent so far is
 * acknowledged), and only then are the offsets of the records processed so far committed. With
 * {@code ordering: partition} to a Kafka output, the interval, count and idle commit points are
 * pipelined instead ({@link #mark()}): the output's sends are closed into a mark every
 * {@code commitRecords / 4} records (and at the interval and idle points), and a mark's offsets are
 * committed asynchronously once its output is acknowledged, so the producer is not drained and the
 * loop does not stop; when four marks are not committed yet, the loop flushes and commits as above,
 * so the bound below holds unchanged. A crash
 * between two commit points repeats, after restart, what was processed since the last one: at most
 * {@code commitRecords} records (the count is checked after each record, and nothing is processed
 * while a commit runs; when the output is behind then, the commit waits until the loop has paused
 * and caught up, so one poll batch more), and at most what one {@code commitInterval} (plus one
 * poll batch) processed.
 *
 * <p><b>Bounded in-flight records</b>: when more than {@code maxInFlightBytes} of keys and values
 * are sent and not yet acknowledged, the loop pauses every assigned partition and goes on polling
 * (so the member stays in its group: {@code max.poll.interval.ms} counts polls, not records) with
 * commit points deferred, until the output has caught up to half the bound; then it resumes. So a
 * slow or unavailable output holds back reading instead of filling memory or blocking the thread.
 *
 * <p><b>Exactly-once</b>: a transaction is opened with the first record after a commit point;
 * at the commit point the consumed offsets are added to it ({@code sendOffsetsToTransaction})
 * and it is committed. Its output is visible only then, so beside the points above a commit point
 * also comes as soon as the member has caught up (after a poll batch, every assigned partition's
 * lag is zero): under a trickle a transaction commits as soon as its records are processed, and
 * records arriving meanwhile go together into the next one; under a backlog the lag stays above
 * zero and the interval sets the pace. {@code commitRecords} does not apply: it bounds what a crash
 * repeats visibly, and an exactly-once crash repeats nothing visible (the open transaction is
 * aborted), while each transaction stops the loop for its commit. A failed transaction is aborted
 * and the consumer rewinds to the committed offsets, so the records are processed again into a new
 * transaction.
 */
final class KafkaStreamingInput {

    /** Where the loop sends what it processed, and how it makes that durable before offsets are committed. */
    interface Output extends StreamSink {

        /** Blocks until every record sent so far is acknowledged; throws if one could not be written. */
        void flush();

        /** Bytes sent and not yet acknowledged. */
        long inFlightBytes();

        /** Exactly-once commit point: commits the open transaction with {@code offsets}. */
        void commitTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group);

        /** Drops the open transaction, if any. */
        void abortTransaction();

        /** Closes the output, waiting at most {@code timeout} for records in flight. */
        void close(Duration timeout);

        /**
         * Closes the span of sends since the last call and returns it, to be committed once its
         * output is acknowledged; {@code null} when this output does not tell (the loop then flushes
         * it at each commit point).
         */
        default KafkaStreamingOutput.Mark mark() {
            return null;
        }

        /** Throws if a record sent could not be written. */
        default void check() {
        }
    }

    /** The offsets of the records processed before a mark, committable once the mark is acknowledged. */
    private record Marked(KafkaStreamingOutput.Mark mark, Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(KafkaStreamingInput.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long LAG_EVERY_NANOS = 1_000_000_000L;
    private static final Duration CLOSE = Duration.ofSeconds(5);
    private static final byte[] EMPTY = new byte[0];
    /**
     * Pipelined commits: marks per {@code commitRecords}; a new mark waits for the oldest when this
     * many are not committed yet.
     */
    private static final int MARKS = 4;

    private final Consumer<byte[], byte[]> consumer;
    private final Output output;
    /** Where the task's records go: {@link #output}, through the output's schemas when it has any. */
    private final StreamSink sink;
    /** The input's schemas, or {@code null} when its keys and values pass as they are. */
    private final TopicSchemas decoding;
    private final StreamingTask task;
    private final String topic;
    private final boolean exactlyOnce;
    private final long commitIntervalNanos;
    private final long commitRecords;
    private final long markEvery;
    private final String autoOffsetReset;
    private final long maxInFlightBytes;
    private final BooleanSupplier stop;
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    private boolean paused;
    private volatile int pausedPartitions;
    private long pauses;
    private volatile long lag = -1;
    private long nextLagNanos;
    private long nextCommit;
    /** Records processed since the last commit point. */
    private long sinceCommit;
    /** Set once the loop failed: closing then commits nothing more (the output may be what failed). */
    private boolean failed;
    /**
     * At-least-once, one record at a time, to an output that tells when a span of sends is
     * acknowledged: commit points are pipelined (see {@link #mark()}) instead of flushing the producer.
     */
    private boolean pipelined;
    /** Records processed since the last mark (pipelined). */
    private long sinceMark;
    /** Marks taken and not yet committed with a confirmed commit, oldest first (pipelined). */
    private final ArrayDeque<Marked> marks = new ArrayDeque<>();
    /** How many marks at the head of {@link #marks} the commit in flight covers; 0 when none is in flight. */
    private int committing;
    /** Counts the asynchronous commits and blocking commits of marks, so that a late callback knows it is stale. */
    private long commits;

    /**
     * A loop reading {@code topic} with {@code consumer} into {@code output}.
     *
     * @param commitRecords    a commit point comes after this many records processed at the latest
     * @param maxInFlightBytes above this many unacknowledged bytes the partitions are paused
     * @param stop             true once this loop should commit and return (the task's stop, or a
     *                         sibling member's failure)
     */
    KafkaStreamingInput(Consumer<byte[], byte[]> consumer, Output output, StreamingTask task, String topic,
                        Duration commitInterval, long commitRecords, String autoOffsetReset, long maxInFlightBytes,
                        BooleanSupplier stop) {
        this(consumer, output, task, topic, commitInterval, commitRecords, autoOffsetReset, maxInFlightBytes, stop,
                null, null);
    }

    /**
     * A loop as above whose input records are decoded with {@code decoding} and whose output records
     * are encoded with {@code encoding} (either {@code null} for bytes as they are); a record that
     * does not match its schema goes through the task's error policy.
     */
    KafkaStreamingInput(Consumer<byte[], byte[]> consumer, Output output, StreamingTask task, String topic,
                        Duration commitInterval, long commitRecords, String autoOffsetReset, long maxInFlightBytes,
                        BooleanSupplier stop, TopicSchemas decoding, TopicSchemas encoding) {
        this.consumer = consumer;
        this.output = output;
        this.sink = encoding == null ? output : encoding.encoding(output, task);
        this.decoding = decoding;
        this.task = task;
        this.topic = topic;
        this.exactlyOnce = task.guarantee() == Guarantee.EXACTLY_ONCE;
        this.commitIntervalNanos = commitInterval.toNanos();
        this.commitRecords = commitRecords;
        this.markEvery = Math.max(1, commitRecords / MARKS);
        this.autoOffsetReset = autoOffsetReset;
        this.maxInFlightBytes = maxInFlightBytes;
        this.stop = stop;
    }

    /** Runs until {@code stop} turns true, then commits and returns; throws when the task fails. */
    void run() {
        consumer.subscribe(List.of(topic), new Rebalance());
        nextCommit = System.nanoTime() + commitIntervalNanos;
        pipelined = !exactlyOnce && keyed == null && output.mark() != null;
        while (!stop.getAsBoolean()) {
            boolean holding = holdBack();
            if (!holding && (pipelined ? marks.size() >= MARKS : !exactlyOnce && sinceCommit >= commitRecords)) {
                commit(); // a count commit put off while the output was behind
            }
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(keyed == null ? POLL : keyedBeforePoll());
            boolean quiet;
            if (batch.isEmpty()) {
                quiet = true; // nothing came within the poll's wait: the input is idle
            } else {
                processBatch(batch);
                quiet = exactlyOnce && caughtUp();
            }
            long now = System.nanoTime();
            if (now - nextLagNanos >= 0) {
                lag = currentLag();
                nextLagNanos = now + LAG_EVERY_NANOS;
            }
            if (pipelined) {
                if (now - nextCommit >= 0 || quiet && sinceMark > 0) {
                    mark();
                }
                commitAcknowledged();
            } else if (!holding && (now - nextCommit >= 0 || quiet && sinceCommit > 0)) {
                commit();
            }
        }
        if (paused) {
            resume();
        }
        if (keyed != null) {
            keyed.drain();
            throwKeyedFailure();
        }
        commit();
        LOG.info("task '{}': stopped and committed its offsets on {}{}", task.context().taskName(), topic,
                pauses == 0 ? "" : " (paused " + pauses + " times for a slow output)");
    }

    /**
     * Pauses every assigned partition while the output is behind (more than the bound in flight),
     * resumes them once it has caught up to half the bound. Returns true while paused: commit points
     * wait, since a commit would block the thread on the output instead of polling.
     */
    private boolean holdBack() {
        long inFlight = output.inFlightBytes();
        if (!paused) {
            if (inFlight <= maxInFlightBytes) {
                return false;
            }
            paused = true;
            pauses++;
            LOG.debug("task '{}': {} bytes in flight, above {}: pausing {}", task.context().taskName(), inFlight,
                    maxInFlightBytes, consumer.assignment());
        } else if (inFlight <= maxInFlightBytes / 2) {
            resume();
            return false;
        }
        // partitions assigned since the pause are paused too
        Set<TopicPartition> assigned = consumer.assignment();
        consumer.pause(assigned);
        pausedPartitions = assigned.size();
        return true;
    }

    private void resume() {
        consumer.resume(consumer.paused());
        paused = false;
        pausedPartitions = 0;
    }

    /** How many partitions are paused for a slow output now; read from any thread (a metrics gauge). */
    int pausedPartitions() {
        return pausedPartitions;
    }

    /** Records of the assigned partitions not read yet, as of the last check; -1 while unknown. */
    long lag() {
        return lag;
    }

    /**
     * True when every assigned partition's lag is known and zero: the member has processed all its
     * input holds, so committing now delays nobody's records (those arriving meanwhile are taken
     * together by the next poll). From what the fetches already told the consumer; no request.
     */
    private boolean caughtUp() {
        Set<TopicPartition> assigned = consumer.assignment();
        for (TopicPartition tp : assigned) {
            OptionalLong partitionLag = consumer.currentLag(tp);
            if (partitionLag.isEmpty() || partitionLag.getAsLong() > 0) {
                return false;
            }
        }
        return !assigned.isEmpty();
    }

    /** From what the consumer's fetches already told it (no request); -1 if a partition's is unknown yet. */
    private long currentLag() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return -1;
        }
        long sum = 0;
        for (TopicPartition tp : assigned) {
            OptionalLong partitionLag = consumer.currentLag(tp);
            if (partitionLag.isEmpty()) {
                return -1;
            }
            sum += partitionLag.getAsLong();
        }
        return sum;
    }

    private void processBatch(ConsumerRecords<byte[], byte[]> batch) {
        if (keyed != null) {
            sinceCommit += batch.count();
            keyed.take(batch);
            return;
        }
        for (TopicPartition tp : batch.partitions()) {
            long next = -1;
            for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
                try {
                    process(toRecord(r));
                } catch (RuntimeException e) {
                    onFailure(tp, r.offset(), e);
                    throw e;
                }
                next = r.offset() + 1;
                if (pipelined) {
                    if (++sinceMark >= markEvery) {
                        pending.put(tp, new OffsetAndMetadata(next));
                        mark();
                        if (marks.size() >= MARKS && output.inFlightBytes() <= maxInFlightBytes) {
                            commit(); // the oldest mark is still not committed: wait for it, as a count commit
                        }
                    }
                } else if (++sinceCommit >= commitRecords && !exactlyOnce
                        && output.inFlightBytes() <= maxInFlightBytes) {
                    // a backlog drains at full speed: commit by count, in the middle of the batch if need be (but
                    // not while the output is behind: the loop pauses first, and commits once it has caught up)
                    pending.put(tp, new OffsetAndMetadata(next));
                    if (!commit()) {
                        return; // the transaction was aborted and the consumer rewound: poll again
                    }
                }
            }
            if (next >= 0) {
                pending.put(tp, new OffsetAndMetadata(next));
            }
        }
    }

    /** Decodes {@code in} when the input has schemas (one that does not match is rejected), then processes it. */
    private void process(Record in) {
        Record decoded = in;
        if (decoding != null) {
            try {
                decoded = decoding.decode(in);
            } catch (SchemaMismatchException e) {
                task.reject(in, e, output);
                return;
            }
        }
        task.process(decoded, sink);
    }

    /**
     * The task failed on the record at {@code offset}. At-least-once: commit what came before it
     * (so a restart begins at the failed record); exactly-once: drop the open transaction.
     */
    private void onFailure(TopicPartition tp, long offset, RuntimeException failure) {
        try {
            if (exactlyOnce) {
                output.abortTransaction();
            } else {
                pending.put(tp, new OffsetAndMetadata(offset));
                commit();
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    static Record toRecord(ConsumerRecord<byte[], byte[]> r) {
        Header[] hs = r.headers().toArray();
        Map<String, byte[]> headers = Map.of();
        if (hs.length > 0) {
            headers = new LinkedHashMap<>(hs.length * 2);
            for (Header h : hs) {
                headers.put(h.key(), h.value() == null ? EMPTY : h.value());
            }
        }
        return Record.of(r.key(), r.value(), headers, r.timestamp(),
                Position.inTopic(r.topic(), r.partition(), r.offset()));
    }

    /**
     * A commit point: flush the bolt, make every sent record durable, then commit the offsets.
     * Returns false when an exactly-once transaction failed, was aborted and the consumer rewound to
     * the committed offsets (what was polled and not processed must then be dropped).
     */
    private boolean commit() {
        sinceCommit = 0;
        nextCommit = System.nanoTime() + commitIntervalNanos;
        task.flush(sink);
        if (keyed != null) {
            keyed.committable(pending); // before the output's flush: it acknowledges their records' output
        }
        if (exactlyOnce) {
            try {
                output.commitTransaction(pending, consumer.groupMetadata());
                pending.clear();
            } catch (ProducerFencedException | InvalidProducerEpochException | AuthorizationException
                     | UnsupportedVersionException e) {
                throw new TaskFailedException("task '" + task.context().taskName() + "' cannot commit its "
                        + "transaction: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + " (another instance with the same transactional.id took over, or the client may not "
                        + "use transactions)", e);
            } catch (KafkaException | TaskFailedException e) {
                LOG.warn("task '{}': transaction failed, aborting it and processing its records again: {}",
                        task.context().taskName(), e.toString());
                output.abortTransaction();
                pending.clear();
                rewind(consumer.assignment());
                return false;
            }
        } else {
            output.flush();
            if (!marks.isEmpty()) {
                // what the marks hold is older than what came since: merged under it
                Map<TopicPartition, OffsetAndMetadata> all = new HashMap<>();
                marks.forEach(m -> all.putAll(m.offsets()));
                all.putAll(pending);
                pending.clear();
                pending.putAll(all);
                marks.clear();
                committing = 0;
                commits++;
            }
            sinceMark = 0;
            if (!pending.isEmpty()) {
                try {
                    consumer.commitSync(pending);
                } catch (CommitFailedException | RebalanceInProgressException e) {
                    // the group moved on without us: the new owners start from the last commit, so these
                    // records are processed again, never lost
                    LOG.warn("task '{}': could not commit offsets, the group is rebalancing; records since the "
                            + "last commit will be processed again: {}", task.context().taskName(), e.toString());
                }
                pending.clear();
            }
        }
        return true;
    }

    /**
     * A pipelined commit point: the bolt is flushed, the output's sends so far are closed into a mark
     * holding the offsets processed so far, and the loop goes on; {@link #commitAcknowledged()}
     * commits those offsets once the mark's output is acknowledged. The count trigger takes a mark
     * every {@code commitRecords / MARKS} records and waits (flush and commitSync, as a blocking
     * commit point) when {@link #MARKS} marks are not committed yet, so what a crash repeats stays
     * within {@code commitRecords} (plus one poll batch when the output is behind), as with blocking
     * commits; the producer is never drained while it keeps up.
     */
    private void mark() {
        sinceMark = 0;
        nextCommit = System.nanoTime() + commitIntervalNanos;
        task.flush(sink);
        KafkaStreamingOutput.Mark mark = output.mark();
        if (!pending.isEmpty() || !marks.isEmpty()) {
            marks.addLast(new Marked(mark, new HashMap<>(pending)));
            pending.clear();
        }
    }

    /**
     * Commits, asynchronously, the offsets of the oldest marks whose output is acknowledged, unless a
     * commit is in flight already; its callback (run by a later poll) drops them once confirmed.
     */
    private void commitAcknowledged() {
        output.check();
        if (committing > 0 || marks.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = null;
        int n = 0;
        for (Marked m : marks) {
            if (!m.mark().acknowledged()) {
                break;
            }
            if (offsets == null) {
                offsets = new HashMap<>();
            }
            offsets.putAll(m.offsets());
            n++;
        }
        if (n == 0) {
            return;
        }
        committing = n;
        long seq = ++commits;
        consumer.commitAsync(offsets, (committed, e) -> {
            if (seq != commits || committing == 0) {
                return; // a blocking commit took every mark meanwhile
            }
            int covered = committing;
            committing = 0;
            if (e != null) {
                // kept: the next commit carries them again, merged with what came since
                LOG.warn("task '{}': could not commit offsets ({}); trying again with the next",
                        task.context().taskName(), e.toString());
                return;
            }
            for (int i = 0; i < covered && !marks.isEmpty(); i++) {
                marks.pollFirst();
            }
        });
    }

    /** Moves the consumer back to the committed offsets of {@code partitions}. */
    private void rewind(Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata at = committed.get(tp);
            if (at != null) {
                consumer.seek(tp, at);
            } else if ("latest".equals(autoOffsetReset)) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    /**
     * {@link #run()}, then {@link #close()}. When the loop fails, its failure is what is thrown: a
     * failure to close (the consumer reports one when it cannot leave its group cleanly) is attached
     * to it as suppressed, never put in its place, so the one-line error names the root cause.
     */
    void runAndClose() {
        try {
            run();
        } catch (RuntimeException | Error e) {
            failed = true;
            try {
                close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        close();
    }

    void close() {
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(CLOSE));
        } finally {
            output.close(CLOSE);
        }
    }

    // ---- keyed concurrency (inputConfig.ordering: key | none): the records go to a KeyedDispatcher ----

    /** With ordering key or none: the dispatcher processing this member's records; null for partition order. */
    private KeyedDispatcher keyed;

    /** Has {@code dispatcher} process the records, many at once; call before {@link #run()}. */
    void dispatchTo(KeyedDispatcher dispatcher) {
        this.keyed = dispatcher;
    }

    /**
     * Before each poll: throws a record's failure (see {@link #throwKeyedFailure()}); else lets the
     * dispatcher fill its window and pause or resume the partitions, and returns the poll timeout.
     */
    private Duration keyedBeforePoll() {
        throwKeyedFailure();
        return keyed.beforePoll(consumer, paused, POLL);
    }

    /**
     * Throws the first failure of a record, once every record in process has finished and what came
     * before the failed one is committed (so that a restart begins at it).
     */
    private void throwKeyedFailure() {
        RuntimeException failure = keyed.failure();
        if (failure != null) {
            failed = true;
            try {
                keyed.drain();
                commit();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }
    }

    // ---- end of keyed concurrency ----

    /** Commits before partitions move to another member; forgets what was lost without a say. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty() && !failed) {
                if (keyed != null) {
                    keyed.drain();
                }
                commit();
            }
            if (keyed != null) {
                keyed.forget(partitions);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("task '{}': assigned {}", task.context().taskName(), partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            LOG.warn("task '{}': lost {} without a rebalance; their records since the last commit will be "
                    + "processed again by their new owner", task.context().taskName(), partitions);
            if (exactlyOnce) {
                output.abortTransaction();
                pending.clear();
                Set<TopicPartition> kept = new java.util.HashSet<>(consumer.assignment());
                partitions.forEach(kept::remove);
                rewind(kept);
            } else {
                partitions.forEach(pending::remove);
                marks.forEach(m -> partitions.forEach(m.offsets()::remove));
            }
            if (keyed != null) {
                keyed.forget(partitions);
            }
        }
    }
}
