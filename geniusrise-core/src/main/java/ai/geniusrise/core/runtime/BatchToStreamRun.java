package ai.geniusrise.core.runtime;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.TaskHandle;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.RecordReader;
import ai.geniusrise.core.spi.StreamSink;
import ai.geniusrise.core.spi.StreamingEngine;
import ai.geniusrise.core.spi.StreamingTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One run of a bolt reading a batch input and writing a stream (S3 to Kafka): the objects are read
 * one after the other, their records go through the bolt (error policy, metrics and "a failed
 * call emits nothing" as for any streaming bolt, by {@link StreamingRun}) to the streaming
 * engine's sink, and the run ends when the objects are done.
 *
 * <p>The engine drives it as a source, the way it drives a streaming spout: it calls
 * {@link #produce} once, then makes what was sent durable. Delivery is at-least-once: after each
 * object, the bolt's {@code flush} runs, every record sent is awaited
 * ({@link StreamSink#awaitAcknowledged()}), and only then is the object marked done in the task's
 * state. Inside an object the number of records acknowledged is checkpointed the same way every
 * {@code checkpointInterval} or {@code checkpointRecords}, so a restarted run skips them: a crash
 * re-sends at most what was sent since the last checkpoint. With {@code select: all} nothing is
 * remembered and every run sends every object.
 */
final class BatchToStreamRun implements StreamingTask {

    private static final Logger LOG = LoggerFactory.getLogger(BatchToStreamRun.class);

    private final TaskContext context;
    private final TaskSpec spec;
    private final TaskMetrics metrics;
    private final BooleanSupplier stopRequested;
    private final BatchInputConfig in;
    private final StreamingRun records;
    private final BatchRun batch;
    private final InputProgress progress;
    private final Failures decodeFailures;
    private final TaskMetrics.Tally tally = new TaskMetrics.Tally();
    private StreamSink sink;

    BatchToStreamRun(TaskHandle task, TaskContext context, TaskSpec spec, TaskMetrics metrics,
                     BooleanSupplier stopRequested, Shard shard, Instant logicalTime, Runnable onOpened) {
        this.context = context;
        this.spec = spec;
        this.metrics = metrics;
        this.stopRequested = stopRequested;
        this.in = (BatchInputConfig) spec.input();
        this.records = new StreamingRun(task, context, spec, metrics, stopRequested, onOpened);
        this.batch = new BatchRun(task, context, spec, metrics, stopRequested, null, shard, logicalTime);
        this.progress = in.select() == BatchInputConfig.Selection.ALL ? null
                : new InputProgress(context.state(), spec.name(), in.source());
        this.decodeFailures = new Failures(spec.name(), spec.errors(), (position, original, record, reason, error) ->
                sink.deadLetter(record != null ? record : Record.of(null, original == null ? new byte[0] : original,
                        Map.of(), 0L, position), reason, error), context.logger());
    }

    /** Runs on the engine serving the task's output until every object is sent; returns what it did. */
    RunSummary run() {
        StreamingEngine engine;
        try {
            // driven as a source: the engine's spout path owns the producer and its final flush
            engine = StreamingEngine.forConfigs(spec.input(), spec.output(), true);
        } catch (ConfigException e) {
            throw spec.locate(e);
        }
        LOG.info("task '{}': sending the {}objects of {} to {} on {}", spec.name(), progress == null ? "" : "new ",
                in.source(), spec.output().destination(), engine.name());
        return records.run(engine, this);
    }

    @Override
    public void produce(StreamSink sink) {
        this.sink = sink;
        BatchStorage storage = batch.storage(in.scheme(), "config.inputConfig.source");
        try (BatchInput input = storage.openInput(in, context)) {
            List<String> objects = batch.listObjects(input, in, progress);
            int sent = 0;
            for (String object : objects) {
                if (!send(input, object)) {
                    LOG.info("task '{}': stopped after {} of {} object(s); the next run resumes at the last "
                            + "checkpoint", spec.name(), sent, objects.size());
                    return;
                }
                sent++;
            }
            LOG.info("task '{}': sent {} object(s) of {}", spec.name(), sent, in.source());
        } catch (ConfigException e) {
            throw spec.locate(e);
        } catch (IOException e) {
            throw new TaskFailedException("task '" + spec.name() + "' could not read its input " + in.source() + ": "
                    + Failures.describe(e), e);
        } finally {
            metrics.publish(tally);
        }
    }

    /** Sends one object from its checkpoint on; false when the run was asked to stop first. */
    private boolean send(BatchInput input, String object) throws IOException {
        long skip = progress == null ? 0 : progress.position(object);
        if (skip > 0) {
            LOG.info("task '{}': resuming {} after its first {} record(s), acknowledged by an earlier run",
                    spec.name(), object, skip);
        }
        long read = 0;
        long sinceCheckpoint = 0;
        long lastCheckpoint = System.nanoTime();
        long intervalNanos = in.checkpointInterval().toNanos();
        try (RecordReader reader = batch.openObject(input, in, object)) {
            while (true) {
                if (stopRequested.getAsBoolean()) {
                    // still skipping what an earlier run checkpointed: keep its position, not an earlier one
                    checkpoint(object, Math.max(read, skip));
                    return false;
                }
                Record record;
                try {
                    record = reader.next();
                } catch (RecordFormatException e) {
                    if (++read > skip) {
                        tally.in++;
                        decodeFailures.onFailure(e.position(), e.rawBytes(), e, tally);
                        sinceCheckpoint++;
                    }
                    continue;
                }
                if (record == null) {
                    break;
                }
                if (++read <= skip) {
                    continue;
                }
                records.process(record, sink);
                sinceCheckpoint++;
                if (progress != null && ((in.checkpointRecords() > 0 && sinceCheckpoint >= in.checkpointRecords())
                        || System.nanoTime() - lastCheckpoint >= intervalNanos)) {
                    checkpoint(object, read);
                    sinceCheckpoint = 0;
                    lastCheckpoint = System.nanoTime();
                }
            }
        } catch (IOException e) {
            throw new TaskFailedException("task '" + spec.name() + "' cannot read " + object + " in " + in.source()
                    + " at record " + read + ": " + e.getMessage(), e);
        }
        records.flush(sink);
        sink.awaitAcknowledged();
        if (progress != null) {
            progress.markDone(object);
        }
        return true;
    }

    /** Makes every record sent so far durable, then remembers how many records of {@code object} are. */
    private void checkpoint(String object, long read) {
        records.flush(sink);
        sink.awaitAcknowledged();
        if (progress != null && read > 0) {
            progress.savePosition(object, read);
        }
    }

    @Override
    public TaskContext context() {
        return context;
    }

    /** True: the engine drives this run as a source of records, like a spout. */
    @Override
    public boolean isSpout() {
        return true;
    }

    @Override
    public Guarantee guarantee() {
        return records.guarantee();
    }

    @Override
    public ErrorPolicy errors() {
        return records.errors();
    }

    @Override
    public String deadLetter() {
        return records.deadLetter();
    }

    /** Never called: the engine drives this run as a source, on one thread ({@code concurrency} is a Kafka input's). */
    @Override
    public StreamingTask member() {
        throw new UnsupportedOperationException("an S3 to Kafka run reads its objects on one thread");
    }

    @Override
    public boolean stopRequested() {
        return stopRequested.getAsBoolean();
    }

    @Override
    public void opened() {
        records.opened();
    }

    @Override
    public void process(Record record, StreamSink sink) {
        records.process(record, sink);
    }

    @Override
    public void reject(Record record, Throwable error, StreamSink sink) {
        records.reject(record, error, sink);
    }

    @Override
    public void flush(StreamSink sink) {
        records.flush(sink);
    }
}
