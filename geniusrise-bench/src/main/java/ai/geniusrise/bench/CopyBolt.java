package ai.geniusrise.bench;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;

/** Emits each record unchanged: measures what the runtime and the adapters cost without the JSON work. */
public final class CopyBolt extends Bolt {
    @Override
    protected void process(Record in, Emitter out) {
        out.emit(in);
    }
}
