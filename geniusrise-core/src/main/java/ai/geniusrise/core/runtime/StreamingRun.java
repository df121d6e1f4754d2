package ai.geniusrise.core.runtime;

import ai.geniusrise.core.AcknowledgingEmitter;
import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.TaskHandle;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.spi.StreamSink;
import ai.geniusrise.core.spi.StreamingEngine;
import ai.geniusrise.core.spi.StreamingTask;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * A streaming task handed to a {@link StreamingEngine}: applies the error policy and counts the
 * metrics so that engines only move records. Each instance is used by one engine thread; an engine
 * running several members gets one more instance per thread from {@link #member()}, all sharing
 * the task and the metrics.
 */
final class StreamingRun implements StreamingTask {

    private static final int PUBLISH_EVERY = 4096;

    private final TaskHandle task;
    private final TaskContext context;
    private final TaskSpec spec;
    private final TaskMetrics metrics;
    private final BooleanSupplier stopRequested;
    private final Runnable onOpened;
    private final TaskMetrics.Tally tally = new TaskMetrics.Tally();
    /** The counts of {@link #processAsync} calls, from any thread; guarded by itself. */
    private final TaskMetrics.Tally concurrent = new TaskMetrics.Tally();
    private final HoldingEmitter held = new HoldingEmitter();
    private StreamSink letterSink;
    private final Failures failures;

    /** {@code onOpened}: what {@link #opened()} runs, once the engine has opened the task's clients. */
    StreamingRun(TaskHandle task, TaskContext context, TaskSpec spec, TaskMetrics metrics, BooleanSupplier stopRequested,
                 Runnable onOpened) {
        this.task = task;
        this.onOpened = onOpened;
        this.context = context;
        this.spec = spec;
        this.metrics = metrics;
        this.stopRequested = stopRequested;
        this.failures = new Failures(spec.name(), spec.errors(),
                (position, original, record, reason, error) -> letterSink.deadLetter(record, reason, error),
                context.logger());
    }

    /** Runs the task on {@code engine} until stopped; returns what it did. */
    RunSummary run(StreamingEngine engine) {
        return run(engine, this);
    }

    /** Runs {@code driver} on {@code engine}: this run, or a source that feeds it records ({@link BatchToStreamRun}). */
    RunSummary run(StreamingEngine engine, StreamingTask driver) {
        long started = System.nanoTime();
        try {
            engine.run(driver);
        } catch (ConfigException e) {
            throw spec.locate(e);
        } catch (TaskFailedException e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailedException("task '" + spec.name() + "' failed: " + Failures.describe(e), e);
        } finally {
            metrics.publish(tally);
            synchronized (concurrent) {
                metrics.publish(concurrent);
            }
        }
        return new RunSummary(spec.name(), metrics.inTotal(), metrics.outTotal(), metrics.skippedTotal(),
                metrics.deadLetteredTotal(), metrics.droppedTotal(), List.of(), spec.output().destination(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    @Override
    public TaskContext context() {
        return context;
    }

    @Override
    public boolean isSpout() {
        return task.isSpout();
    }

    @Override
    public Guarantee guarantee() {
        return spec.guarantee();
    }

    @Override
    public ErrorPolicy errors() {
        return spec.errors();
    }

    @Override
    public String deadLetter() {
        return spec.deadLetter();
    }

    @Override
    public StreamingTask member() {
        return new StreamingRun(task, context, spec, metrics, stopRequested, onOpened);
    }

    @Override
    public boolean stopRequested() {
        return stopRequested.getAsBoolean();
    }

    @Override
    public void opened() {
        onOpened.run();
    }

    @Override
    public void publishCounts() {
        metrics.publish(tally);
    }

    @Override
    public void process(Record in, StreamSink sink) {
        tally.in++;
        held.clear();
        try {
            task.process(in, held);
        } catch (TaskFailedException e) {
            throw e;
        } catch (Exception e) {
            held.clear();
            letterSink = sink;
            failures.onFailure(in, e, tally);
            publishSometimes();
            return;
        }
        if (held.isEmpty()) {
            tally.dropped++;
        }
        held.releaseTo(sink);
        publishSometimes();
    }

    /**
     * Thread-safe: a fresh emitter per record, and the counts of every call kept apart in
     * {@link #concurrent} under its lock (published at each flush and every
     * {@link #PUBLISH_EVERY} records).
     */
    @Override
    public CompletionStage<Void> processAsync(Record in, StreamSink sink) {
        RecordEmitter emitter = new RecordEmitter();
        CompletionStage<Void> stage;
        try {
            stage = task.processAsync(in, emitter);
        } catch (Exception e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.handle((done, error) -> {
            emitter.close();
            finish(in, emitter, sink, error);
            return null;
        });
    }

    /** Hands what the call for {@code in} emitted to {@code sink}, or applies the error policy to it. */
    private void finish(Record in, RecordEmitter emitted, StreamSink sink, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TaskFailedException e) {
            throw e;
        }
        if (cause == null) {
            emitted.releaseTo(sink); // outside the lock: a send may block on the output's backpressure
        }
        synchronized (concurrent) {
            concurrent.in++;
            if (cause != null) {
                letterSink = sink;
                failures.onFailure(in, cause, concurrent); // throws under the fail policy
            } else {
                concurrent.out += emitted.records.size();
                concurrent.deadLettered += emitted.letters.size();
                if (emitted.records.isEmpty() && emitted.letters.isEmpty()) {
                    concurrent.dropped++;
                }
            }
            if (concurrent.in % PUBLISH_EVERY == 0) {
                metrics.publish(concurrent);
            }
        }
    }

    /**
     * The emitter of one {@link #processAsync} call: holds what it emits until the call is done,
     * takes calls from any thread, and refuses them once the call is done.
     */
    private static final class RecordEmitter implements Emitter {
        private final List<Record> records = new ArrayList<>(2);
        private final List<Record> letters = new ArrayList<>(0);
        private final List<String> reasons = new ArrayList<>(0);
        private boolean closed;

        @Override
        public synchronized void emit(Record record) {
            checkOpen();
            records.add(record);
        }

        @Override
        public synchronized void deadLetter(Record record, String reason) {
            checkOpen();
            letters.add(record);
            reasons.add(reason);
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("this emitter belongs to a record whose processing is done: an "
                        + "AsyncBolt emits before the stage processAsync returned completes");
            }
        }

        synchronized void close() {
            closed = true;
        }

        synchronized void releaseTo(StreamSink sink) {
            for (Record r : records) {
                sink.send(r);
            }
            for (int i = 0; i < letters.size(); i++) {
                sink.deadLetter(letters.get(i), reasons.get(i), null);
            }
        }
    }

    @Override
    public void reject(Record record, Throwable error, StreamSink sink) {
        letterSink = sink;
        failures.onFailure(record, error, tally);
    }

    private void publishSometimes() {
        if (tally.in % PUBLISH_EVERY == 0) {
            metrics.publish(tally);
        }
    }

    @Override
    public void flush(StreamSink sink) {
        synchronized (concurrent) {
            metrics.publish(concurrent);
        }
        DirectEmitter emitter = new DirectEmitter(sink);
        try {
            task.flush(emitter);
            if (emitter.emitted > 0) {
                metrics.flushEmitted();
            }
        } catch (TaskFailedException e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailedException("task '" + spec.name() + "' failed in flush(): " + Failures.describe(e), e);
        } finally {
            metrics.publish(tally);
        }
    }

    @Override
    public void produce(StreamSink sink) {
        DirectEmitter emitter = new DirectEmitter(sink);
        try {
            task.produce(emitter);
        } catch (TaskFailedException | ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailedException("spout '" + spec.name() + "' failed: " + Failures.describe(e), e);
        } finally {
            metrics.publish(tally);
        }
    }

    /** Emits straight to the sink, counting; a spout's emitter and the one {@code flush} gets. */
    private final class DirectEmitter implements AcknowledgingEmitter {
        private final StreamSink sink;
        long emitted;

        DirectEmitter(StreamSink sink) {
            this.sink = sink;
        }

        @Override
        public void emit(Record record) {
            sink.send(record);
            emitted++;
            if (++tally.out % PUBLISH_EVERY == 0) {
                metrics.publish(tally);
            }
        }

        @Override
        public void deadLetter(Record record, String reason) {
            sink.deadLetter(record, reason, null);
            tally.deadLettered++;
        }

        @Override
        public void reject(Record record, Throwable error) {
            letterSink = sink;
            failures.onFailure(record, error, tally);
        }

        @Override
        public void awaitAcknowledged() {
            sink.awaitAcknowledged();
            metrics.publish(tally); // an acknowledgement point: what a progress display sees
        }
    }

    /** Holds what one {@code process} call emits until it returns, so a failed call leaves no output. */
    private final class HoldingEmitter implements Emitter {
        private final List<Record> records = new ArrayList<>(4);
        private final List<Record> letters = new ArrayList<>(0);
        private final List<String> reasons = new ArrayList<>(0);

        @Override
        public void emit(Record record) {
            records.add(record);
        }

        /** Whether the {@code process} call emitted nothing: no record, no dead letter. */
        boolean isEmpty() {
            return records.isEmpty() && letters.isEmpty();
        }

        @Override
        public void deadLetter(Record record, String reason) {
            letters.add(record);
            reasons.add(reason);
        }

        void releaseTo(StreamSink sink) {
            for (int i = 0, n = records.size(); i < n; i++) {
                sink.send(records.get(i));
            }
            tally.out += records.size();
            for (int i = 0; i < letters.size(); i++) {
                sink.deadLetter(letters.get(i), reasons.get(i), null);
                tally.deadLettered++;
            }
            clear();
        }

        void clear() {
            records.clear();
            if (!letters.isEmpty()) {
                letters.clear();
                reasons.clear();
            }
        }
    }
}
