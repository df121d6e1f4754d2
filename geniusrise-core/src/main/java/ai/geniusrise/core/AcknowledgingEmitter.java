package ai.geniusrise.core;

/**
 * The emitter a streaming spout gets: it can also wait until what it emitted is acknowledged by
 * the output, so that a spout answering its own clients (an HTTP listener) answers "stored" only
 * once it is true. Used from the spout's thread only, like any {@link Emitter}.
 */
public interface AcknowledgingEmitter extends Emitter {

    /**
     * Blocks until every record emitted so far is acknowledged by the output (Kafka: written with
     * the producer's {@code acks}).
     *
     * @throws TaskFailedException if a record could not be written; the task then stops
     */
    void awaitAcknowledged();
}
