package ai.geniusrise.io.kafka;

import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.spi.StreamSink;
import ai.geniusrise.core.spi.StreamingTask;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keyed concurrency for one consumer-group member ({@code inputConfig.ordering: key | none}): the
 * records its {@link KafkaStreamingInput} polls are processed by many threads at once, those of one
 * key (within a partition) one after another in offset order under {@code key}, in any order under
 * {@code none}.
 *
 * <p><b>Window.</b> A record is in the window from when it is taken until its partition's
 * completed prefix ({@link CompletedOffsets}) passes it. At most {@code maxInFlight} records are in
 * the window; the rest of a poll batch waits in a backlog, and while the window is full or the
 * backlog not empty the loop pauses its partitions and goes on polling. So what a crash repeats is
 * bounded by the window plus what was taken since the last commit.
 *
 * <p><b>Commits.</b> At a commit point the loop takes {@link #committable} (per partition, the
 * lowest offset not finished), then flushes the output, then commits: a record is finished only
 * once its output was handed to the producer, so the flush acknowledges the output of every
 * record below the committed offsets.
 *
 * <p><b>Threads.</b> The loop's thread calls every method but the completions, which run on the
 * workers (or an asynchronous bolt's client threads); all state is guarded by this object. Workers
 * are a bounded pool of {@code maxInFlight} platform threads on Java 17 to 20, one virtual thread
 * per record from Java 21 (docs/design.md, "Keyed concurrency").
 */
final class KeyedDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyedDispatcher.class);
    /** How long a stop or a rebalance waits for the records in process. */
    private static final Duration DRAIN = Duration.ofSeconds(30);

    /** A key within a partition: Kafka orders a key's records within its partition only. */
    private record Key(int partition, ByteBuffer key) {
    }

    /** A record taken into the window. */
    private record Work(ConsumerRecord<byte[], byte[]> record, CompletedOffsets partition,
                        CompletedOffsets.Slot slot, Key key) {
    }

    private final StreamingTask task;
    private final StreamSink sink;
    private final boolean byKey;
    private final int maxInFlight;
    private final ExecutorService workers;
    private final Map<TopicPartition, CompletedOffsets> partitions = new HashMap<>();
    /** Per key with a record in process: the records of that key waiting behind it. */
    private final Map<Key, ArrayDeque<Work>> waiting = new HashMap<>();
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> backlog = new ArrayDeque<>();
    private final Map<TopicPartition, Long> reported = new HashMap<>();
    private int window;
    private int running;
    /** Records in the window waiting behind a record of their key. */
    private int behindKey;
    private boolean pausedByUs;
    private RuntimeException failure;

    /**
     * @param task   the running task; its {@link StreamingTask#processAsync} is called from many threads
     * @param sink   the member's output, taking sends from many threads
     */
    KeyedDispatcher(StreamingTask task, StreamSink sink, Ordering ordering, int maxInFlight) {
        if (ordering == Ordering.PARTITION) {
            throw new IllegalArgumentException("ordering: partition runs without a dispatcher");
        }
        this.task = task;
        this.sink = sink;
        this.byKey = ordering == Ordering.KEY;
        this.maxInFlight = maxInFlight;
        this.workers = workers(task.context().taskName(), maxInFlight);
    }

    /**
     * Java 21 and later: a virtual thread per record (a blocking bolt holds no platform thread while
     * it waits). Java 17 to 20: {@code maxInFlight} platform threads, made as needed, ended when idle.
     */
    static ExecutorService workers(String taskName, int maxInFlight) {
        if (Runtime.version().feature() >= 21) {
            try {
                return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            } catch (ReflectiveOperationException e) {
                LOG.debug("no virtual threads, using platform threads: {}", e.toString());
            }
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxInFlight, maxInFlight, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "geniusrise-" + taskName + "-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Takes a poll batch: into the window as far as it has room, the rest into the backlog. */
    void take(ConsumerRecords<byte[], byte[]> batch) {
        synchronized (this) {
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                backlog.addLast(r);
            }
            admit();
        }
    }

    /** Moves backlog records into the window while it has room. */
    private void admit() {
        while (failure == null && !backlog.isEmpty() && window < maxInFlight) {
            ConsumerRecord<byte[], byte[]> r = backlog.pollFirst();
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            CompletedOffsets partition = partitions.computeIfAbsent(tp, p -> new CompletedOffsets());
            window++;
            Work work = new Work(r, partition, partition.take(r.offset()),
                    byKey ? new Key(r.partition(), r.key() == null ? null : ByteBuffer.wrap(r.key())) : null);
            if (byKey) {
                ArrayDeque<Work> behind = waiting.get(work.key());
                if (behind != null) {
                    behind.addLast(work);
                    behindKey++;
                    continue;
                }
                waiting.put(work.key(), new ArrayDeque<>(2));
            }
            start(work);
        }
    }

    private void start(Work work) {
        if (workers.isShutdown()) {
            return; // closing: the record stays unfinished, its offset uncommitted
        }
        running++;
        workers.execute(() -> {
            CompletionStage<Void> stage;
            try {
                stage = task.processAsync(KafkaStreamingInput.toRecord(work.record()), sink);
            } catch (RuntimeException | Error e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((done, error) -> finished(work, error));
        });
    }

    /** On a worker or client thread: the record is done, or failed the task. */
    private synchronized void finished(Work work, Throwable error) {
        running--;
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (failure == null) {
                failure = cause instanceof RuntimeException r ? r : new TaskFailedException("task '"
                        + task.context().taskName() + "' failed on the record at " + work.record().topic() + "-"
                        + work.record().partition() + "@" + work.record().offset() + ": " + cause, cause);
            }
            notifyAll();
            return; // the record stays unfinished: the committed offset stops below it
        }
        window -= work.partition().complete(work.slot());
        if (byKey) {
            ArrayDeque<Work> behind = waiting.get(work.key());
            if (behind != null) {
                Work next = failure == null ? behind.pollFirst() : null;
                if (next == null) {
                    if (behind.isEmpty()) {
                        waiting.remove(work.key());
                    }
                } else {
                    behindKey--;
                    start(next);
                }
            }
        }
        if (running == 0 || window <= maxInFlight / 2) {
            notifyAll(); // the loop waits for half the window free (or a drain for nothing running): fewer wake-ups
        }
    }

    /** The first failure of a record's processing (fail policy, or the output failed), else null. */
    synchronized RuntimeException failure() {
        return failure;
    }

    /**
     * Before each poll, on the loop's thread: fills the window from the backlog; while it stays full,
     * pauses every assigned partition (waiting at most one poll timeout for half the window to free
     * up), and resumes them once there is room unless {@code outputPaused} (the loop paused them for
     * a slow output).
     * Returns how long the poll may wait: zero after waiting here, else {@code poll}.
     */
    Duration beforePoll(Consumer<byte[], byte[]> consumer, boolean outputPaused, Duration poll) {
        synchronized (this) {
            admit();
            if (!full()) {
                if (pausedByUs && !outputPaused) {
                    consumer.resume(consumer.paused());
                }
                pausedByUs = false;
                return poll;
            }
            consumer.pause(consumer.assignment());
            pausedByUs = true;
            long until = System.nanoTime() + poll.toNanos();
            try {
                for (long left = poll.toNanos(); window > maxInFlight / 2 && failure == null && left > 0;
                     left = until - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            admit();
            return Duration.ZERO;
        }
    }

    private boolean full() {
        return window >= maxInFlight || !backlog.isEmpty();
    }

    /** Records in process now: the bolt called, its stage not complete. */
    synchronized int inProcess() {
        return running;
    }

    /** Records in the window waiting to run, behind a record of their key. */
    synchronized int waiting() {
        return behindKey;
    }

    /**
     * Puts into {@code offsets}, per partition whose completed prefix moved since the last call, the
     * offset to commit: the lowest not finished. Call before flushing the output.
     */
    synchronized void committable(Map<TopicPartition, OffsetAndMetadata> offsets) {
        for (Map.Entry<TopicPartition, CompletedOffsets> e : partitions.entrySet()) {
            long at = e.getValue().committable();
            if (at >= 0 && !Long.valueOf(at).equals(reported.get(e.getKey()))) {
                offsets.put(e.getKey(), new OffsetAndMetadata(at));
                reported.put(e.getKey(), at);
            }
        }
    }

    /**
     * Waits until no record is in process (records waiting behind one of their key start as it
     * finishes), for at most {@link #DRAIN}: before a commit that must cover everything started (a
     * stop, a rebalance, a failure). Starts nothing from the backlog.
     */
    synchronized void drain() {
        long until = System.nanoTime() + DRAIN.toNanos();
        try {
            for (long left = DRAIN.toNanos(); running > 0 && left > 0; left = until - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running > 0) {
            LOG.warn("task '{}': {} records still in process after {}s; their offsets are not committed, so they "
                    + "will be processed again", task.context().taskName(), running, DRAIN.toSeconds());
        }
    }

    /** {@code lost} went to another member: drops their backlog, waiting records and offsets. */
    synchronized void forget(Collection<TopicPartition> lost) {
        for (TopicPartition tp : lost) {
            CompletedOffsets partition = partitions.remove(tp);
            if (partition != null) {
                window -= partition.forget();
            }
            reported.remove(tp);
        }
        backlog.removeIf(r -> lost.contains(new TopicPartition(r.topic(), r.partition())));
        waiting.entrySet().removeIf(e -> {
            int before = e.getValue().size();
            e.getValue().removeIf(w -> lost.contains(new TopicPartition(w.record().topic(), w.record().partition())));
            behindKey -= before - e.getValue().size();
            return false;
        });
        notifyAll();
    }

    /** Stops the workers; records still in process are abandoned (their offsets were not committed). */
    @Override
    public void close() {
        workers.shutdownNow();
    }
}
