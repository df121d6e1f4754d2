package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Upper-cases each value, keeping key, headers and timestamp. Throws on values containing
 * {@code poison}; counts its flush calls.
 */
public class UppercaseBolt extends Bolt {

    final AtomicInteger flushes = new AtomicInteger();

    /** For the runtime. */
    public UppercaseBolt() {
    }

    @Override
    protected void process(Record in, Emitter out) {
        String v = in.valueAsString();
        if (v.contains("poison")) {
            out.emit(in.withValue("partial output of a poisoned record"));
            throw new IllegalArgumentException("poisoned value " + v);
        }
        out.emit(in.withValue(v.toUpperCase(Locale.ROOT)));
    }

    @Override
    protected void flush(Emitter out) {
        flushes.incrementAndGet();
    }
}
