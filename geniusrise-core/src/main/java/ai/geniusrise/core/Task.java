package ai.geniusrise.core;

/**
 * A unit of work in a pipeline: either a {@link Spout}, which brings data in from an external
 * source, or a {@link Bolt}, which transforms records read from S3, Kafka or files.
 *
 * <p>The runtime creates one instance per task through its public no-argument constructor, calls
 * {@link #open(TaskContext)} once, drives it, and calls {@link #close()} once, also after a
 * failure. Configuration does not go into the constructor: it arrives with the context.
 */
public abstract sealed class Task permits Spout, Bolt {

    private volatile TaskContext context;

    /** For subclasses; tasks are instantiated by the runtime. */
    protected Task() {
    }

    /**
     * Called once before the first record. Override to read arguments, open clients or restore
     * state; {@link #context()} is already available here. The default does nothing.
     *
     * @throws Exception to fail the task before it reads anything
     */
    public void open(TaskContext context) throws Exception {
    }

    /**
     * Called once when the task ends, normally or not. Release what {@link #open} acquired.
     * The default does nothing.
     */
    public void close() throws Exception {
    }

    /**
     * The task's context: arguments, state, metrics, logger, clock, configs.
     *
     * @throws IllegalStateException before the runtime opened the task
     */
    protected final TaskContext context() {
        TaskContext c = context;
        if (c == null) {
            throw new IllegalStateException(getClass().getName() + " has not been opened yet: its context is "
                    + "available from open(TaskContext) on");
        }
        return c;
    }

    final void attach(TaskContext c) {
        this.context = c;
    }
}
