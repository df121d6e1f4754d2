package ai.geniusrise.core.runtime;

/**
 * What a task has done so far, as {@link TaskRunner#progress()} sees it from another thread: an
 * immutable snapshot, for progress displays. Counts are those the task's workers have published
 * (a batch worker every few thousand records and at the end of each object; a streaming bolt at
 * each commit; a streaming spout each time its records are acknowledged), so they may trail the
 * task by that much; once the task is {@link Phase#FINISHED} they are final.
 *
 * @param task          the task's name
 * @param spout         true for a spout (its work is what it writes), false for a bolt (what it reads)
 * @param streaming     true for a streaming task, which runs until stopped
 * @param phase         where the task is in its run
 * @param recordsIn     records read from the input
 * @param recordsOut    records written to the output
 * @param skipped       records that failed and were skipped
 * @param deadLettered  records that failed and went to the dead letters
 * @param objectsDone   a batch bolt's input objects read to their end; 0 otherwise
 * @param objectsTotal  a batch bolt's input objects to read, once listed; -1 when unknown or not a batch bolt
 * @param lag           records of a streaming input not read yet (Kafka's consumer lag, summed over the
 *                      task's members); -1 when unknown or not a streaming bolt
 * @param inProcess     records in process now, for a bolt processing many at once ({@code ordering: key |
 *                      none}), summed over its members; -1 otherwise
 * @param waiting       beside {@code inProcess}: records taken and waiting to run (behind a record of
 *                      their key, or for a free slot); -1 otherwise
 */
public record TaskProgress(String task, boolean spout, boolean streaming, Phase phase, long recordsIn,
                           long recordsOut, long skipped, long deadLettered, long objectsDone, long objectsTotal,
                           long lag, long inProcess, long waiting) {

    /** A snapshot of a task processing one record at a time: {@code inProcess} and {@code waiting} -1. */
    public TaskProgress(String task, boolean spout, boolean streaming, Phase phase, long recordsIn, long recordsOut,
                        long skipped, long deadLettered, long objectsDone, long objectsTotal, long lag) {
        this(task, spout, streaming, phase, recordsIn, recordsOut, skipped, deadLettered, objectsDone, objectsTotal,
                lag, -1, -1);
    }

    /** Where a task is in its run. */
    public enum Phase {
        /** Not started yet: a batch task after others in dependency order, or one still opening. */
        WAITING,
        /** Opened and running. */
        RUNNING,
        /** Returned or failed; the counts are final. */
        FINISHED
    }

    /** Records that failed: skipped plus dead-lettered. */
    public long failed() {
        return skipped + deadLettered;
    }

    /** The records that measure the task's work: what a spout wrote, what a bolt read. */
    public long work() {
        return spout ? recordsOut : recordsIn;
    }
}
