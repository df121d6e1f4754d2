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
    private final TaskMetrics.Tally tally = new TaskMetrics.Tally();
    private final HoldingEmitter held = new HoldingEmitter();
    private StreamSink letterSink;
    private final Failures failures;

    StreamingRun(TaskHandle task, TaskContext context, TaskSpec spec, TaskMetrics metrics, BooleanSupplier stopRequested) {
        this.task = task;
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
        return new StreamingRun(task, context, spec, metrics, stopRequested);
    }

    @Override
    public boolean stopRequested() {
        return stopRequested.getAsBoolean();
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
