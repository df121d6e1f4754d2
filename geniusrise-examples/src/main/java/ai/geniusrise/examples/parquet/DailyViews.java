package ai.geniusrise.examples.parquet;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;

/**
 * The bolt of the parquet example: binds each page view to {@link View}, dead-letters those whose
 * {@code ts} is not epoch milliseconds, and emits the view with that time as the record's
 * timestamp, which the output's {@code partitionBy: day={yyyy-MM-dd}} files it under. The same bolt
 * would read the views from parquet or avro: {@code as(View.class)} works on all three.
 */
public final class DailyViews extends Bolt {

    /** A page view as the JSON lines hold it. */
    public record View(String user, String page, long ts, int ms) {
    }

    @Override
    protected void process(Record in, Emitter out) {
        View view;
        try {
            view = in.as(View.class);
        } catch (RuntimeException e) {
            out.deadLetter(in, "a view needs user, page, ts (epoch milliseconds) and ms: " + e.getMessage());
            return;
        }
        out.emit(Record.ofJson(view).withTimestamp(view.ts()));
    }
}
