package ai.geniusrise.examples.wordcount;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Geniusrise;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskContext;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts words in lines of text. Each input record is a line; at the end of the run
 * ({@link #flush}) it emits one JSON record per word, {@code {"word": "cat", "count": 3}}, most
 * frequent first (ties by word), so the output is the same whatever the number of workers.
 *
 * <p>Arguments: {@code minLength} (default 1) ignores shorter words; {@code top} (default 0: all)
 * keeps only the most frequent words. Lines are read by several workers at once, so the counts
 * are kept in a concurrent map.
 */
public final class WordCount extends Bolt {

    /** One output record. */
    public record WordTotal(String word, long count) {
    }

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private int minLength;
    private long top;

    @Override
    public void open(TaskContext context) {
        minLength = (int) context.args().integer("minLength", 1);
        top = context.args().integer("top", 0);
    }

    @Override
    protected void process(Record in, Emitter out) {
        String line = in.valueAsString();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean wordChar = i < line.length() && Character.isLetterOrDigit(line.charAt(i));
            if (wordChar && start < 0) {
                start = i;
            } else if (!wordChar && start >= 0) {
                if (i - start >= minLength) {
                    counts.computeIfAbsent(line.substring(start, i).toLowerCase(Locale.ROOT), w -> new LongAdder())
                            .increment();
                }
                start = -1;
            }
        }
    }

    @Override
    protected void flush(Emitter out) {
        counts.entrySet().stream()
                .map(e -> new WordTotal(e.getKey(), e.getValue().sum()))
                .sorted(Comparator.comparingLong(WordTotal::count).reversed().thenComparing(WordTotal::word))
                .limit(top > 0 ? top : Long.MAX_VALUE)
                .forEach(t -> out.emit(Record.ofJson(t).withKey(t.word())));
        counts.clear();
    }

    /** Runs this bolt in a container: {@code java -cp ... WordCount pipeline.yaml --task word-count}. */
    public static void main(String[] args) {
        Geniusrise.run(WordCount.class, args);
    }
}
