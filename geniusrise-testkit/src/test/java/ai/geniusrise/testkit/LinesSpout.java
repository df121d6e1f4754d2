package ai.geniusrise.testkit;

import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.Spout;

import java.util.List;

/**
 * A batch spout: emits each of {@code args.lines} (a comma-separated list) keyed by its 1-based
 * number, with a {@code source} header naming the input source; blank lines are dead-lettered.
 */
public class LinesSpout extends Spout {

    @Override
    protected void produce(Emitter out) {
        List<String> lines = List.of(context().args().string("lines", "").split(",", -1));
        int n = 0;
        for (String line : lines) {
            Record r = Record.of(Integer.toString(++n), line).withHeader("source", context().input().source());
            if (line.isBlank()) {
                out.deadLetter(r, "blank line");
            } else {
                out.emit(r);
            }
        }
    }
}
