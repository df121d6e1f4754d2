package ai.geniusrise.testkit;

import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The emitter a harness hands to one call of a task. It holds the task to the {@link Emitter}
 * rules the runtime relies on: used only by the thread that received it, only until the call
 * returns.
 */
final class HarnessEmitter implements Emitter {

    private final String call;
    private final Thread owner;
    private final Consumer<Record> emits;
    private final Consumer<DeadLetter> deadLetters;
    private final BiConsumer<Record, Throwable> rejects;
    private volatile boolean open = true;

    HarnessEmitter(String call, Thread owner, Consumer<Record> emits, Consumer<DeadLetter> deadLetters,
                   BiConsumer<Record, Throwable> rejects) {
        this.call = call;
        this.owner = owner;
        this.emits = emits;
        this.deadLetters = deadLetters;
        this.rejects = rejects;
    }

    @Override
    public void emit(Record record) {
        Objects.requireNonNull(record, "record");
        checkUsable();
        emits.accept(record);
    }

    @Override
    public void deadLetter(Record record, String reason) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(reason, "reason");
        checkUsable();
        deadLetters.accept(new DeadLetter(record, reason, null));
    }

    /** Applies the harness's error policy, as the runtime's emitters apply the task's. */
    @Override
    public void reject(Record record, Throwable error) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(error, "error");
        checkUsable();
        rejects.accept(record, error);
    }

    void close() {
        open = false;
    }

    private void checkUsable() {
        if (!open) {
            throw new IllegalStateException("the emitter of " + call + " was used after that call returned; "
                    + "an emitter may be used only during the call that received it");
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("the emitter of " + call + " was used from thread '"
                    + Thread.currentThread().getName() + "' but belongs to thread '" + owner.getName()
                    + "'; an emitter may be used only by the thread that received it");
        }
    }
}
