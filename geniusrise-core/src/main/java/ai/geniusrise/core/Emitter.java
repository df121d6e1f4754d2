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

    /**
     * Hands the task's error policy a record the task could not take in from its source (a line
     * over a length limit, bytes that do not decode), as the runtime does with a bolt's bad
     * input: under {@code fail} this throws {@link TaskFailedException}; under {@code skip} the
     * record is counted as skipped and logged; under {@code dead-letter} its bytes, position and
     * {@code error} go to the dead letters. For spouts, whose sources the runtime does not read.
     *
     * <p>The runtime's emitters apply the task's policy; this default applies {@code fail}.
     *
     * @throws TaskFailedException under the {@code fail} policy
     */
    default void reject(Record record, Throwable error) {
        throw new TaskFailedException("the record at " + record.position() + " was rejected: " + error.getMessage()
                + " (error policy: fail)", error);
    }
}
