package ai.geniusrise.examples.events;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * Cleans click events read from Kafka: lower-cases {@code type}, keys the record by {@code user},
 * and drops events without a user. A value that is not a JSON object throws, so the task's error
 * policy decides (the example pipeline sends it to the dead letters). Stateless, so safe on any
 * number of threads.
 */
public final class EventCleaner extends Bolt {

    /** For the runtime. */
    public EventCleaner() {
    }

    @Override
    protected void process(Record in, Emitter out) {
        JsonNode value = in.valueAsJson();
        if (!(value instanceof ObjectNode event)) {
            throw new IllegalArgumentException("expected a JSON object, got " + value.getNodeType());
        }
        JsonNode user = event.get("user");
        if (user == null || user.asText().isBlank()) {
            return;
        }
        if (event.hasNonNull("type")) {
            event.put("type", event.get("type").asText().toLowerCase(Locale.ROOT));
        }
        out.emit(in.withJsonValue(event).withKey(user.asText()));
    }
}
