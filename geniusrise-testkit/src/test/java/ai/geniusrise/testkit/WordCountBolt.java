package ai.geniusrise.testkit;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskContext;
import io.micrometer.core.instrument.Counter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts words of at least {@code args.minLength} letters; on flush emits {@code word=count} for
 * each word in order of first appearance and the running total ({@code total=n}), and keeps the
 * total in state under {@code total}, restoring it on open. Counts words in the {@code words}
 * counter.
 */
public class WordCountBolt extends Bolt {

    private final Map<String, Long> counts = new LinkedHashMap<>();
    private long minLength;
    private long total;
    private Counter words;

    @Override
    public void open(TaskContext context) {
        minLength = context.args().integer("minLength", 1);
        total = context.state().getString("total").map(Long::parseLong).orElse(0L);
        words = context.metrics().counter("words");
    }

    @Override
    protected void process(Record in, Emitter out) {
        for (String word : in.valueAsString().split("\\s+")) {
            if (!word.isEmpty() && word.length() >= minLength) {
                counts.merge(word, 1L, Long::sum);
                total++;
                words.increment();
            }
        }
    }

    @Override
    protected void flush(Emitter out) {
        counts.forEach((w, n) -> out.emit(Record.of(w + "=" + n).withTimestamp(context().clock().millis())));
        counts.clear();
        out.emit(Record.of("total=" + total));
        context().state().putString("total", Long.toString(total));
    }
}
