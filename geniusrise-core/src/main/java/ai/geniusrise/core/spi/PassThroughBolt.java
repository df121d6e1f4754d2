package ai.geniusrise.core.spi;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;

/**
 * The bolt of a pipeline task of {@code type: bolt} that names no {@code class:}: it emits each
 * record it reads unchanged (key, value, headers and timestamp), like a stream processor's
 * pipeline without processors. What it writes depends only on its output config: records copied
 * from topic to topic, objects re-encoded in the output's format and compression. Stateless and
 * thread-safe.
 */
public final class PassThroughBolt extends Bolt {

    /** For the runtime, which instantiates it by name like any {@code class:}. */
    public PassThroughBolt() {
    }

    @Override
    protected void process(Record in, Emitter out) {
        out.emit(in);
    }
}
