package ai.geniusrise.bench;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;

/** The streaming benchmark's bolt: upper-cases the ASCII value, counting into {@link KafkaBenchmarkClient#PROGRESS}. */
public final class UppercaseBolt extends Bolt {

    /** For the runtime. */
    public UppercaseBolt() {
    }

    @Override
    protected void process(Record in, Emitter out) {
        out.emit(in.withValue(KafkaBenchmarkClient.upper(in.value())));
        KafkaBenchmarkClient.PROGRESS.tick();
    }
}
