package ai.geniusrise.core;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A bolt for non-blocking clients (an asynchronous HTTP client, a database driver returning
 * futures): {@link #processAsync} starts the work for a record and returns at once with a stage
 * that completes when the record is done, so that a Kafka→Kafka bolt with
 * {@code inputConfig.ordering: key} or {@code none} keeps up to {@code maxInFlight} records in
 * flight without a thread per record.
 *
 * <p><b>Promises.</b> What the call emits (records and dead letters) reaches the output only if
 * the stage completes normally; when it completes exceptionally (or {@code processAsync} throws),
 * the task's error policy applies to the record, as for {@link Bolt#process}: fail the task, skip
 * the record, or send it to the dead letters; nothing it emitted is kept. Offsets are committed
 * only past records whose stage completed and whose output Kafka acknowledged. With
 * {@code ordering: key}, the next record of the same key starts only after the stage of the one
 * before it completed; with {@code partition} (the default) and for batch inputs, {@link #process}
 * waits for each stage, so the same bolt runs everywhere.
 *
 * <p><b>Threads.</b> {@code processAsync} is called from the runtime's threads, several at once;
 * it must not block. The emitter it gets may be used from any thread, one at a time, until the
 * stage completes, and not after.
 */
public abstract class AsyncBolt extends Bolt {

    /** For subclasses. */
    protected AsyncBolt() {
    }

    /**
     * Starts processing {@code in} and returns without waiting.
     *
     * @param in  the input record, with its source position
     * @param out where results go, until the returned stage completes
     * @return a stage completing when the record is done; exceptionally to have the error policy
     *         handle {@code in}
     * @throws Exception like an exceptionally completed stage
     */
    protected abstract CompletionStage<Void> processAsync(Record in, Emitter out) throws Exception;

    /** Calls {@link #processAsync} and waits for its stage: for ordering {@code partition} and batch inputs. */
    @Override
    protected final void process(Record in, Emitter out) throws Exception {
        try {
            processAsync(in, out).toCompletableFuture().get();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }
}
