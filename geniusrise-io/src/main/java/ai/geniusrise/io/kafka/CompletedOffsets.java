package ai.geniusrise.io.kafka;

import java.util.ArrayDeque;

/**
 * The records of one partition taken by a {@link KeyedDispatcher} and not yet part of its
 * completed prefix: the offset to commit is the lowest one not finished, or the one after the
 * last taken when all are finished. Records are taken in offset order (gaps allowed: compaction,
 * transaction markers) and finish in any order. Not thread-safe: guarded by the dispatcher.
 */
final class CompletedOffsets {

    /** One taken record, done once processed and its output handed to the producer. */
    static final class Slot {
        final long offset;
        boolean done;

        private Slot(long offset) {
            this.offset = offset;
        }
    }

    private final ArrayDeque<Slot> open = new ArrayDeque<>();
    private long next = -1;
    private boolean forgotten;

    /** Takes the record at {@code offset}, above every offset taken before. */
    Slot take(long offset) {
        if (offset < next) {
            throw new IllegalStateException("offset " + offset + " taken after " + (next - 1));
        }
        Slot slot = new Slot(offset);
        open.addLast(slot);
        next = offset + 1;
        return slot;
    }

    /** Marks {@code slot} finished; returns how many records left the window (the prefix grew by). */
    int complete(Slot slot) {
        slot.done = true;
        if (forgotten) {
            return 0;
        }
        int passed = 0;
        while (!open.isEmpty() && open.peekFirst().done) {
            open.pollFirst();
            passed++;
        }
        return passed;
    }

    /** The offset to commit: the lowest not finished, else the one after the last taken; -1 before any. */
    long committable() {
        return open.isEmpty() ? next : open.peekFirst().offset;
    }

    /** Records taken and not yet in the completed prefix. */
    int open() {
        return open.size();
    }

    /** The partition went to another member: what finishes from now on changes nothing. */
    int forget() {
        forgotten = true;
        int n = open.size();
        open.clear();
        return n;
    }
}
