package ${package};

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Geniusrise;
import ai.geniusrise.core.Record;

import java.util.Locale;

/**
 * Emits each record with its value in upper case. Its {@code main} is what the container runs:
 * {@code Uppercase [run] pipeline.yaml --task uppercase}.
 */
public final class Uppercase extends Bolt {

    @Override
    protected void process(Record in, Emitter out) {
        out.emit(in.withValue(in.valueAsString().toUpperCase(Locale.ROOT)));
    }

    public static void main(String[] args) {
        Geniusrise.run(Uppercase.class, args);
    }
}
