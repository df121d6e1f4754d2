package ai.geniusrise.core;

/**
 * A task that reads records from S3, Kafka or files, operates on each, and emits results to its
 * output. The four combinations of the design (S3→S3, Kafka→Kafka, Kafka→S3, S3→Kafka) are
 * chosen by the task's {@code inputConfig} and {@code outputConfig}; the bolt's code is the same.
 *
 * <p><b>Threads.</b> One bolt instance serves the whole task. When the input is read with
 * {@code parallelism} above 1 (batch inputs default to one worker per core), {@link #process}
 * is called from several threads at once: a bolt that keeps fields across records must make
 * them thread-safe (a {@code ConcurrentHashMap}, {@code LongAdder}s) or set
 * {@code parallelism: 1}. {@link #flush(Emitter)} is never called concurrently with
 * {@link #process}, except in a Kafka→Kafka bolt with {@code inputConfig.ordering: key} or
 * {@code none} (many records in process at once; the commit points do not stop them) or with
 * {@code concurrency} above 1 (one flush per consumer-group member). For non-blocking clients,
 * see {@link AsyncBolt}.
 */
public abstract non-sealed class Bolt extends Task {

    /** For subclasses. */
    protected Bolt() {
    }

    /**
     * Operates on one input record and emits zero or more records.
     *
     * @param in  the input record, with its source position
     * @param out where results go; use it only during this call
     * @throws Exception to have the task's error policy handle {@code in}: fail the task, skip the
     *                   record, or send it to the dead letters. What this call emitted before
     *                   throwing is dropped, so a failed record leaves no partial output.
     */
    protected abstract void process(Record in, Emitter out) throws Exception;

    /**
     * Called when the runtime is about to make output durable and commit input positions: for a
     * batch input, once after the last record of the run; for a streaming input, before each
     * offset commit. Records emitted here belong to that commit. Aggregating bolts emit their
     * totals here. The default does nothing.
     */
    protected void flush(Emitter out) throws Exception {
    }
}
