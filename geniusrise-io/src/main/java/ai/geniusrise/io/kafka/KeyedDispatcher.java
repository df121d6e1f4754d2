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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keyed concurrency for one consumer-group member ({@code inputConfig.ordering: key | none}): the
 * records its {@link KafkaStreamingInput} polls are processed by many threads at once, those of one
 * key (within a partition) one after another in offset order under {@code key}, in any order under
 * {@code none}.
 *
 * <p><b>Two bounds.</b> At most {@code maxInFlight} records are <em>in process</em> (the bolt called,
 * its stage not yet complete). A record is <em>open</em> from when it is taken from the backlog until
 * its partition's completed prefix ({@link CompletedOffsets}) passes it: in process, waiting to run
 * (behind an earlier record of its key, or for a free slot), or finished above a record still
 * unfinished. At most {@link #OPEN_PER_SLOT} × {@code maxInFlight} records are open, so that records
 * waiting behind a busy key or finished above a slow one do not take slots from records that could
 * run. The rest of a poll batch waits in a backlog, and while the backlog is not empty the loop
 * pauses its partitions and goes on polling. What a crash repeats is bounded by the open records
 * and the backlog at the last commit plus what was taken since.
 *
 * <p><b>Commits.</b> At a commit point the loop takes {@link #committable} (per partition, the
 * lowest offset not finished), then flushes the output, then commits: a record is finished only
 * once its output was handed to the producer, so the flush acknowledges the output of every
 * record below the committed offsets.
 *
 * <p><b>Threads.</b> The loop's thread takes poll batches, commits and drains; the workers (or an
 * asynchronous bolt's client threads) complete records, and a worker whose record completed at
 * once goes on with the next record ready to run, without a hand-off through the executor's queue.
 * All state is guarded by this object. Workers are a bounded pool of {@code maxInFlight} platform
 * threads on Java 17 to 20, virtual threads from Java 21 (docs/design.md, "Keyed concurrency").
 */
final class KeyedDispatcher implements AutoCloseable {

    /** Records open (taken, not yet passed by their partition's completed prefix) per slot of {@code maxInFlight}. */
    static final int OPEN_PER_SLOT = 4;
    private static final Logger LOG = LoggerFactory.getLogger(KeyedDispatcher.class);
    /** How long a stop or a rebalance waits for the records in process. */
    private static final Duration DRAIN = Duration.ofSeconds(30);

    /** A key within a partition: Kafka orders a key's records within its partition only. */
    private record Key(int partition, ByteBuffer key) {
    }

    /** An open record. */
    private record Work(ConsumerRecord<byte[], byte[]> record, CompletedOffsets partition,
                        CompletedOffsets.Slot slot, Key key) {
        boolean of(Collection<TopicPartition> partitions) {
            return partitions.contains(new TopicPartition(record.topic(), record.partition()));
        }
    }

    /** A record's completion as seen by the worker that called the bolt: at once, or later elsewhere. */
    private static final class Completion {
        final Thread caller = Thread.currentThread();
        boolean returned;
        boolean done;
        Throwable error;
    }

    private final StreamingTask task;
    private final StreamSink sink;
    private final boolean byKey;
    private final int maxInFlight;
    private final int maxOpen;
    private final ExecutorService workers;
    private final Map<TopicPartition, CompletedOffsets> partitions = new HashMap<>();
    /** Per key with a record ready or in process: the records of that key waiting behind it. */
    private final Map<Key, ArrayDeque<Work>> behind = new HashMap<>();
    /** Open records free to run (first of their key), waiting for a slot, in the order they became free. */
    private final ArrayDeque<Work> ready = new ArrayDeque<>();
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> backlog = new ArrayDeque<>();
    private final Map<TopicPartition, Long> reported = new HashMap<>();
    private int open;
    private int running;
    /** Records waiting to run: in {@link #ready} or behind a record of their key. */
    private int waitingToRun;
    /** While draining (a stop, a rebalance, a failure): nothing new starts. */
    private boolean held;
    private boolean loopWaits;
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
        this.maxOpen = (int) Math.min(Integer.MAX_VALUE, (long) OPEN_PER_SLOT * maxInFlight);
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

    /** Takes a poll batch into the backlog, and opens and starts what has room. */
    synchronized void take(ConsumerRecords<byte[], byte[]> batch) {
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            backlog.addLast(r);
        }
        admit();
        launch();
    }

    /** Opens backlog records while fewer than {@code maxOpen} are open. */
    private void admit() {
        while (failure == null && !held && !backlog.isEmpty() && open < maxOpen) {
            ConsumerRecord<byte[], byte[]> r = backlog.pollFirst();
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            CompletedOffsets partition = partitions.computeIfAbsent(tp, p -> new CompletedOffsets());
            open++;
            waitingToRun++;
            Work work = new Work(r, partition, partition.take(r.offset()),
                    byKey ? new Key(r.partition(), r.key() == null ? null : ByteBuffer.wrap(r.key())) : null);
            if (byKey) {
                ArrayDeque<Work> queue = behind.get(work.key());
                if (queue != null) {
                    queue.addLast(work);
                    continue;
                }
                behind.put(work.key(), new ArrayDeque<>(2));
            }
            ready.addLast(work);
        }
    }

    /** Takes the next ready record for a free slot, or null. */
    private Work claim() {
        if (failure != null || held || running >= maxInFlight || ready.isEmpty() || workers.isShutdown()) {
            return null;
        }
        running++;
        waitingToRun--;
        return ready.pollFirst();
    }

    /** Starts ready records on new workers while slots are free. */
    private void launch() {
        for (Work work = claim(); work != null; work = claim()) {
            Work first = work;
            try {
                workers.execute(() -> run(first));
            } catch (RejectedExecutionException e) {
                running--; // closing: the record stays unfinished, its offset uncommitted
                return;
            }
        }
    }

    /**
     * On a worker: processes {@code work}, and while the records it processes complete at once (a
     * blocking bolt), the next ready ones. A record completing later completes on its client's
     * thread, which hands the next ready record to a new worker.
     */
    private void run(Work first) {
        for (Work work = first; work != null; ) {
            CompletionStage<Void> stage;
            try {
                stage = task.processAsync(KafkaStreamingInput.toRecord(work.record()), sink);
            } catch (RuntimeException | Error e) {
                stage = CompletableFuture.failedFuture(e);
            }
            Work current = work;
            Completion completion = new Completion();
            stage.whenComplete((done, error) -> {
                if (Thread.currentThread() == completion.caller && !completion.returned) {
                    completion.done = true; // complete already: this worker goes on
                    completion.error = error;
                } else {
                    Work next = finished(current, error);
                    if (next != null) {
                        startOnWorker(next);
                    }
                }
            });
            completion.returned = true;
            work = completion.done ? finished(current, completion.error) : null;
        }
    }

    private void startOnWorker(Work work) {
        try {
            workers.execute(() -> run(work));
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                running--; // closing: the record stays unfinished, its offset uncommitted
            }
        }
    }

    /**
     * A record is done, or failed the task: updates the prefix, lets the next record of its key run,
     * opens backlog records into the room made, and returns the next record for the calling thread
     * to process (its slot taken), or null.
     */
    private synchronized Work finished(Work work, Throwable error) {
        running--;
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (failure == null) {
                failure = cause instanceof RuntimeException r ? r : new TaskFailedException("task '"
                        + task.context().taskName() + "' failed on the record at " + work.record().topic() + "-"
                        + work.record().partition() + "@" + work.record().offset() + ": " + cause, cause);
            }
            notifyAll();
            return null; // the record stays unfinished: the committed offset stops below it
        }
        open -= work.partition().complete(work.slot());
        if (byKey) {
            ArrayDeque<Work> queue = behind.get(work.key());
            if (queue != null) {
                Work next = queue.pollFirst();
                if (next == null) {
                    behind.remove(work.key());
                } else {
                    ready.addLast(next);
                }
            }
        }
        admit();
        Work next = claim();
        if (loopWaits && (backlog.isEmpty() || running == 0)) {
            notifyAll(); // the loop waits for an empty backlog (to poll), or a drain for nothing running
        }
        return next;
    }

    /** The first failure of a record's processing (fail policy, or the output failed), else null. */
    synchronized RuntimeException failure() {
        return failure;
    }

    /**
     * Before each poll, on the loop's thread: opens and starts what has room; while the backlog is
     * not empty, pauses every assigned partition (waiting at most one poll timeout for the backlog
     * to empty), and resumes them once it is empty unless {@code outputPaused} (the loop paused them
     * for a slow output).
     * Returns how long the poll may wait: zero after waiting here, else {@code poll}.
     */
    synchronized Duration beforePoll(Consumer<byte[], byte[]> consumer, boolean outputPaused, Duration poll) {
        admit();
        launch();
        if (backlog.isEmpty()) {
            if (pausedByUs && !outputPaused) {
                consumer.resume(consumer.paused());
            }
            pausedByUs = false;
            return poll;
        }
        consumer.pause(consumer.assignment());
        pausedByUs = true;
        waitUntil(() -> backlog.isEmpty() || failure != null, poll);
        return Duration.ZERO;
    }

    /** Waits, holding this object's monitor between checks, until {@code done} or {@code timeout} passed. */
    private void waitUntil(java.util.function.BooleanSupplier done, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        loopWaits = true;
        try {
            for (long left = timeout.toNanos(); !done.getAsBoolean() && left > 0; left = until - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            loopWaits = false;
        }
    }

    /** Records in process now: the bolt called, its stage not complete (at most {@code maxInFlight}). */
    synchronized int inProcess() {
        return running;
    }

    /** Records open and waiting to run: behind a record of their key, or for a free slot. */
    synchronized int waiting() {
        return waitingToRun;
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
     * Waits until no record is in process, for at most {@link #DRAIN}, starting nothing new: before a
     * commit that must cover everything started (a stop, a rebalance, a failure). Records stay held
     * until {@link #forget} (a rebalance); after a stop or a failure they never start.
     */
    synchronized void drain() {
        held = true;
        waitUntil(() -> running == 0, DRAIN);
        if (running > 0) {
            LOG.warn("task '{}': {} records still in process after {}s; their offsets are not committed, so they "
                    + "will be processed again", task.context().taskName(), running, DRAIN.toSeconds());
        }
    }

    /**
     * {@code lost} went to another member: drops their backlog, their records waiting to run and
     * their offsets; then lets the records of the other partitions run again.
     */
    synchronized void forget(Collection<TopicPartition> lost) {
        for (TopicPartition tp : lost) {
            CompletedOffsets partition = partitions.remove(tp);
            if (partition != null) {
                open -= partition.forget();
            }
            reported.remove(tp);
        }
        backlog.removeIf(r -> lost.contains(new TopicPartition(r.topic(), r.partition())));
        ready.removeIf(w -> {
            if (!w.of(lost)) {
                return false;
            }
            waitingToRun--;
            if (byKey) {
                waitingToRun -= behind.remove(w.key()).size(); // no record of this key in process
            }
            return true;
        });
        // a key with a record in process keeps its entry (emptied) until that record finishes
        behind.values().forEach(queue -> queue.removeIf(w -> {
            boolean drop = w.of(lost);
            waitingToRun -= drop ? 1 : 0;
            return drop;
        }));
        held = false;
        admit();
        launch();
        notifyAll();
    }

    /** Stops the workers; records still in process are abandoned (their offsets were not committed). */
    @Override
    public void close() {
        workers.shutdownNow();
    }
}
