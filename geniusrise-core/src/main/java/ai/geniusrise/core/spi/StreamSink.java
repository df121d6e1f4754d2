package ai.geniusrise.core.spi;

import ai.geniusrise.core.Record;

/**
 * Where a {@link StreamingEngine} takes the records of a running task: its output and its dead
 * letters. Called from the engine's task thread only. Both methods may block when the output
 * applies backpressure; delivery is the engine's to guarantee (acknowledged before the input
 * positions they came from are committed).
 */
public interface StreamSink {

    /** Sends {@code record} to the task's output. */
    void send(Record record);

    /**
     * Sends {@code original} to the dead letters with its source position, {@code reason} and
     * {@code error} ({@code null} when the task dead-lettered it itself).
     */
    void deadLetter(Record original, String reason, Throwable error);

    /**
     * Blocks until every record sent so far is acknowledged by the output.
     *
     * @throws ai.geniusrise.core.TaskFailedException if one could not be written
     */
    void awaitAcknowledged();
}
