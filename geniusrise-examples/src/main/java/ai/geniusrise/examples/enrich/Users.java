package ai.geniusrise.examples.enrich;

import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.Spout;

import java.util.Map;

/**
 * Writes {@code count} user events (default 20,000) to its topic and returns: values
 * {@code {"user":"u<k>","n":<i>}} keyed by user, over {@code users} users (default 1,000), each
 * user's {@code n} rising. The source of the enrichment example.
 */
public final class Users extends Spout {

    /** For the runtime. */
    public Users() {
    }

    @Override
    protected void produce(Emitter out) {
        long count = context().args().integer("count", 20_000);
        long users = context().args().integer("users", 1_000);
        for (long i = 0; i < count; i++) {
            String user = "u" + i % users;
            out.emit(Record.ofJson(Map.of("user", user, "n", i)).withKey(user));
        }
    }
}
