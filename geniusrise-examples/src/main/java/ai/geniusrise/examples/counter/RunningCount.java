package ai.geniusrise.examples.counter;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Geniusrise;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.core.state.Versioned;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Keeps a running count per key in the task's state. Each input record is a JSON object; its
 * {@code keyField} (argument, default {@code user}) names the key. For each record the bolt adds one
 * to the count stored at state key {@code count/<key>} and emits
 * {@code {"key": "alice", "count": 3}}: the running total after that record.
 *
 * <p>The counts live in {@code context().state()}, so which store keeps them (memory, Redis,
 * PostgreSQL, DynamoDB) is the pipeline's {@code stateConfig}, and a durable store carries them from
 * one run to the next. Several workers (and several processes sharing a store) may count the same
 * key at once: each increment is a compare-and-set on the version read, retried on conflict, so no
 * increment is lost and each total is emitted exactly once. Conflicts are counted in the meter
 * {@code running_count_conflicts}.
 *
 * <p>Arguments: {@code keyField} (default {@code user}); {@code maxAttempts} (default 1000) bounds
 * the compare-and-set attempts per record, after which the record fails with the task's error
 * policy. A record without the field, or whose field is not a scalar, fails the same way.
 */
public final class RunningCount extends Bolt {

    /** One output record: the running total of {@code key} after the record just counted. */
    public record RunningTotal(String key, long count) {
    }

    private String keyField;
    private long maxAttempts;
    private StateManager state;
    private Counter conflicts;

    @Override
    public void open(TaskContext context) {
        keyField = context.args().string("keyField", "user");
        maxAttempts = context.args().integer("maxAttempts", 1000);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("args.maxAttempts must be at least 1, got " + maxAttempts);
        }
        state = context.state();
        conflicts = context.metrics().counter("running_count_conflicts");
    }

    @Override
    protected void process(Record in, Emitter out) {
        JsonNode field = in.valueAsJson().get(keyField);
        if (field == null || field.isNull() || field.isContainerNode()) {
            throw new IllegalArgumentException("the record has no scalar '" + keyField + "' field to count by");
        }
        String key = field.asText();
        long total = increment("count/" + key);
        out.emit(Record.ofJson(new RunningTotal(key, total)).withKey(key));
    }

    /** Adds one to the count at {@code stateKey} with compare-and-set, retrying on conflict; returns the new count. */
    private long increment(String stateKey) {
        for (long attempt = 1; attempt <= maxAttempts; attempt++) {
            Optional<Versioned> current = state.get(stateKey);
            long next = current.map(v -> Long.parseLong(v.asString())).orElse(0L) + 1;
            long expectedVersion = current.map(Versioned::version).orElse(0L);
            OptionalLong written = state.compareAndSet(stateKey, expectedVersion,
                    Long.toString(next).getBytes(StandardCharsets.UTF_8));
            if (written.isPresent()) {
                return next;
            }
            conflicts.increment();
        }
        throw new IllegalStateException("the count at '" + stateKey + "' changed under each of " + maxAttempts
                + " compare-and-set attempts; raise args.maxAttempts if that many writers share it");
    }

    /** Runs this bolt in a container: {@code java -cp ... RunningCount pipeline.yaml --task running-count}. */
    public static void main(String[] args) {
        Geniusrise.run(RunningCount.class, args);
    }
}
