package ai.geniusrise.core;

/**
 * A task failed while running: its code threw under the {@code fail} error policy, an input
 * could not be read, or an output could not be written. The message names the task and, when
 * known, the record position. Commands exit with code 1 on it. Nothing of the failed batch run
 * is visible in its output.
 */
public class TaskFailedException extends RuntimeException {

    /** A failure described by {@code message}, caused by {@code cause}. */
    public TaskFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
