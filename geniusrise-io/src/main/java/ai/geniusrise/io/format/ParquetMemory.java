package ai.geniusrise.io.format;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The memory budget of the open parquet parts of one output: what they buffer together (their
 * current row groups) may not pass {@code budget} bytes. When a part finds the budget passed, the
 * largest open part writes its row group early: at once if it is the part asking, else at its own
 * next write (parts are each written by one thread, and a row group is only ever written by the
 * thread writing its part). Thread-safe.
 */
final class ParquetMemory {

    private final long budget;
    private final Set<ParquetEncoder> open = ConcurrentHashMap.newKeySet();

    ParquetMemory(long budget) {
        this.budget = budget;
    }

    long budget() {
        return budget;
    }

    void opened(ParquetEncoder part) {
        open.add(part);
    }

    void closed(ParquetEncoder part) {
        open.remove(part);
    }

    /** What the open parts buffer together, as they last measured it. */
    long buffered() {
        long total = 0;
        for (ParquetEncoder p : open) {
            total += p.buffered();
        }
        return total;
    }

    /**
     * Called by {@code asking} after it measured itself: if the open parts together pass the budget,
     * the largest is told to write its row group early.
     *
     * @return whether {@code asking} itself is the largest and must write its row group now
     */
    boolean overBudget(ParquetEncoder asking) {
        long total = 0;
        ParquetEncoder largest = null;
        for (ParquetEncoder p : open) {
            long b = p.buffered();
            total += b;
            if (largest == null || b > largest.buffered()) {
                largest = p;
            }
        }
        if (total <= budget || largest == null) {
            return false;
        }
        if (largest == asking) {
            return true;
        }
        largest.requestFlush();
        return false;
    }
}
