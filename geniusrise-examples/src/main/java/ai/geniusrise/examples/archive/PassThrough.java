package ai.geniusrise.examples.archive;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;

/**
 * Emits every record unchanged: key, value, headers and timestamp. With a Kafka input and a batch
 * output it archives a topic as it is (pipelines/kafka-archive.yaml). Stateless, so safe on any
 * number of threads.
 */
public final class PassThrough extends Bolt {

    /** For the runtime. */
    public PassThrough() {
    }

    @Override
    protected void process(Record in, Emitter out) {
        out.emit(in);
    }
}
