package ai.geniusrise.testkit;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;

import java.util.Locale;

/** Emits each record with its value in upper case, keeping key, headers and position. */
public class UppercaseBolt extends Bolt {

    int closed;

    @Override
    protected void process(Record in, Emitter out) {
        out.emit(in.withValue(in.valueAsString().toUpperCase(Locale.ROOT)));
    }

    @Override
    public void close() {
        closed++;
    }
}
