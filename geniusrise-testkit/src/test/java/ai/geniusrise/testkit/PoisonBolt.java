package ai.geniusrise.testkit;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;

/**
 * Echoes records, except: {@code poison} makes it emit {@code partial} and then throw;
 * {@code bad} is dead-lettered by the bolt itself with reason {@code bad input}; a value starting
 * with {@code {} is read as a {@link Reading} and emitted as Fahrenheit JSON, so malformed JSON
 * raises a {@link ai.geniusrise.core.RecordFormatException}.
 */
public class PoisonBolt extends Bolt {

    /** A temperature reading. */
    public record Reading(String city, double celsius) {
    }

    /** A converted reading. */
    public record Fahrenheit(String city, double fahrenheit) {
    }

    @Override
    protected void process(Record in, Emitter out) {
        String v = in.valueAsString();
        if (v.equals("poison")) {
            out.emit(in.withValue("partial"));
            throw new IllegalStateException("poison");
        }
        if (v.equals("bad")) {
            out.deadLetter(in, "bad input");
            return;
        }
        if (v.startsWith("{")) {
            Reading r = in.as(Reading.class);
            out.emit(in.withJsonValue(new Fahrenheit(r.city(), r.celsius() * 9 / 5 + 32)));
            return;
        }
        out.emit(in);
    }
}
