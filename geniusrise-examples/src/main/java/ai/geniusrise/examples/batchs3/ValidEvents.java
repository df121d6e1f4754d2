package ai.geniusrise.examples.batchs3;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * The bolt of the batch example: keeps the events that have an {@code id} and a {@code type},
 * lower-cases the type, and dead-letters the others (with the task's {@code errors: dead-letter}
 * they land beside the output, under {@code _dead-letter/}). Stateless, so safe on any number of
 * workers.
 */
public final class ValidEvents extends Bolt {
    @Override
    protected void process(Record in, Emitter out) {
        JsonNode event = in.valueAsJson();
        if (!(event instanceof ObjectNode node) || !node.hasNonNull("id") || !node.path("type").isTextual()) {
            out.deadLetter(in, "an event needs an \"id\" and a textual \"type\"");
            return;
        }
        node.put("type", node.get("type").asText().toLowerCase(Locale.ROOT));
        out.emit(in.withJsonValue(node));
    }
}
