package ai.geniusrise.core.spi;

import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the runtime hands a {@link StreamingEngine}: one running task with its error policy and
 * metrics already applied. Each instance is called from one thread only (but for
 * {@link #processAsync}): the thread that called
 * {@link StreamingEngine#run}, or for an engine running several consumer-group members in one
 * process, one more instance per extra thread from {@link #member()}.
 *
 * <p>For a bolt the engine calls {@link #process} for each input record and {@link #flush} before
 * each commit; for a spout it calls {@link #produce} once. Records reach the engine's
 * {@link StreamSink}; the runtime counts records in, out, skipped and dead-lettered for
 * {@code /metrics}.
 */
public interface StreamingTask {

    /** The task's context: names, configs, logger, metrics registry. */
    TaskContext context();

    /** True for a spout, false for a bolt. */
    boolean isSpout();

    /** The delivery guarantee asked for. */
    Guarantee guarantee();

    /** The error policy, so that an engine can prepare its dead-letter output up front. */
    ErrorPolicy errors();

    /** The task's {@code deadLetter} setting, or {@code null} for the engine's default. */
    String deadLetter();

    /**
     * Another handle on the same running task, for one more thread of the engine (an input's
     * {@code concurrency} above 1): the same task instance, whose {@code process} and {@code flush}
     * then run on several threads at once; its own per-thread state (emits held during a call,
     * counts), adding up in the same metrics.
     */
    StreamingTask member();

    /** True once the task should stop: SIGTERM, the end of a local run, or a test asking. */
    boolean stopRequested();

    /**
     * Says the engine has opened what the task reads and writes (clients created, topics checked):
     * from now on the task is ready ({@code /readyz} answers 200 until the run ends). An engine calls
     * it before the first {@link #process} or {@link #produce}, from any of its threads; again is
     * harmless. The default does nothing.
     */
    default void opened() {
    }

    /**
     * Publishes the counts of the records this instance processed so far to the task's metrics
     * ({@code /metrics}, progress displays), as {@link #flush} does. An engine that flushes seldom (one
     * writing an object per interval) calls it between its polls; it costs a few additions. The
     * default does nothing.
     */
    default void publishCounts() {
    }

    /**
     * Has the bolt process {@code in}. What it emits reaches {@code sink} only if the call
     * returns normally; when it throws, the error policy applies: {@code skip} counts the record,
     * {@code dead-letter} passes it to {@link StreamSink#deadLetter}, {@code fail} throws.
     *
     * @throws ai.geniusrise.core.TaskFailedException under the fail policy, naming the record's position
     */
    void process(Record in, StreamSink sink);

    /**
     * Has the bolt process {@code in} without the caller waiting for an asynchronous bolt: for an
     * engine processing several records at once ({@code inputConfig.ordering: key} or {@code none}).
     * Unlike {@link #process}, may be called from several threads at once on one instance. A plain
     * bolt's {@code process} runs on the calling thread; an {@link ai.geniusrise.core.AsyncBolt}'s
     * {@code processAsync} starts there and completes wherever its client completes it. The returned
     * stage completes once the record is done: what the bolt emitted handed to {@code sink} (which
     * must then take calls from several threads), or the error policy applied ({@code skip},
     * {@code dead-letter}); it completes exceptionally with a
     * {@link ai.geniusrise.core.TaskFailedException} under the fail policy or when {@code sink}
     * throws. The default runs {@link #process} and suits one caller thread only.
     */
    default CompletionStage<Void> processAsync(Record in, StreamSink sink) {
        try {
            process(in, sink);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Applies the error policy to {@code record}, which the engine could not decode from its input
     * or encode for its output (a value that does not match its schema): {@code skip} counts it,
     * {@code dead-letter} passes it to {@code sink}'s {@link StreamSink#deadLetter} with
     * {@code error}, {@code fail} throws.
     *
     * @throws ai.geniusrise.core.TaskFailedException under the fail policy, naming the record's position
     */
    void reject(Record record, Throwable error, StreamSink sink);

    /**
     * Calls the bolt's {@code flush}; what it emits goes to {@code sink} at once.
     *
     * @throws ai.geniusrise.core.TaskFailedException if flush throws
     */
    void flush(StreamSink sink);

    /**
     * Runs the spout's {@code produce} until it returns (it returns once {@link #stopRequested()}).
     *
     * @throws ai.geniusrise.core.TaskFailedException if produce throws
     */
    void produce(StreamSink sink);
}
