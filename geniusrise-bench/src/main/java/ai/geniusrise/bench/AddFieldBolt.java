package ai.geniusrise.bench;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The benchmark's bolt: parses each JSON line, adds a field, writes it back. */
public final class AddFieldBolt extends Bolt {
    @Override
    protected void process(Record in, Emitter out) {
        ObjectNode node = (ObjectNode) in.valueAsJson();
        node.put("processed", true);
        out.emit(in.withJsonValue(node));
    }
}
