package ai.geniusrise.core;

/**
 * A task that reads an external source and writes what it reads to the task's output.
 *
 * <ul>
 *   <li>A <b>batch spout</b> (its {@code outputConfig} is {@code type: batch}) writes to S3 or files.
 *   {@link #produce(Emitter)} is called once per run and returns when the run's data is
 *   emitted; the output is committed atomically after it returns normally, and discarded if it
 *   throws.</li>
 *   <li>A <b>streaming spout</b> ({@code type: streaming}) writes to Kafka. {@link #produce(Emitter)}
 *   is called once and runs until {@link TaskContext#stopRequested()} turns true (on SIGTERM, or
 *   the end of a local run), then returns so the runtime can flush and close. Its emitter is an
 *   {@link AcknowledgingEmitter}, for spouts that must know when their records are stored.</li>
 * </ul>
 *
 * <p>Where the source is comes from the task's {@code inputConfig}: {@code context().input()}.
 */
public abstract non-sealed class Spout extends Task {

    /** For subclasses. */
    protected Spout() {
    }

    /**
     * Reads the source and emits its records.
     *
     * @param out the task's output; use it only from the calling thread
     * @throws Exception to fail the run; a batch run's output is then discarded
     */
    protected abstract void produce(Emitter out) throws Exception;
}
