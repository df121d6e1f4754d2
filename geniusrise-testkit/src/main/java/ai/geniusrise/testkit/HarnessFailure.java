package ai.geniusrise.testkit;

import ai.geniusrise.core.Position;

/**
 * A task driven by a {@link TaskHarness} failed the way it would fail its run in the runtime:
 * {@code open}, {@code flush}, {@code produce} or {@code close} threw, {@code process} threw under
 * {@link ai.geniusrise.core.ErrorPolicy#FAIL}, or a spout did not do what the harness waited for.
 * The message names the task, the phase and, for a record, its position; {@link #getCause()} is
 * what the task threw, if it threw.
 */
public final class HarnessFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The failed task's name. */
    private final String taskName;
    private final transient Position position;

    HarnessFailure(String taskName, Position position, String message, Throwable cause) {
        super(message, cause);
        this.taskName = taskName;
        this.position = position == null ? Position.NONE : position;
    }

    static HarnessFailure inPhase(String taskName, String phase, Throwable cause) {
        return new HarnessFailure(taskName, Position.NONE,
                "task '" + taskName + "' failed in " + phase + ": " + describe(cause), cause);
    }

    static HarnessFailure onRecord(String taskName, Position position, String message, Throwable cause) {
        return new HarnessFailure(taskName, position, message, cause);
    }

    static HarnessFailure spout(String taskName, String message) {
        return new HarnessFailure(taskName, Position.NONE, "spout '" + taskName + "' " + message, null);
    }

    /** The failed task's name. */
    public String taskName() {
        return taskName;
    }

    /** The position of the record that failed, or {@link Position#NONE} when no record was at fault. */
    public Position position() {
        return position;
    }

    static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getName() : t.getClass().getName() + ": " + t.getMessage();
    }
}
