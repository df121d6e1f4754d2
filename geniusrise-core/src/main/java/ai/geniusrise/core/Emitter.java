package ai.geniusrise.core;

/**
 * Where a task sends its results: the task's output (S3, Kafka, files), or the dead letters.
 *
 * <p>An emitter is handed to a task by the runtime and must be used only by the thread that
 * received it, during the call that received it (or, for a streaming spout, until it stops).
 * {@link #emit(Record)} may block when the output applies backpressure. Emitted records
 * become durable and visible according to the output's delivery guarantee: a batch output
 * shows them when the run commits, a streaming output when the broker acknowledges them.
 */
public interface Emitter {

    /** Sends {@code record} to the task's output. */
    void emit(Record record);

    /**
     * Sends {@code record} to the task's dead-letter output with a reason, without failing the
     * task. The dead letter carries the record's bytes, its source position and {@code reason}.
     */
    void deadLetter(Record record, String reason);
}
