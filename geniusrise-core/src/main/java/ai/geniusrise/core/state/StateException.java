package ai.geniusrise.core.state;

/**
 * A state operation failed: the store was unreachable or refused the operation after the
 * manager's retries. The message names the store and the operation. The write it was about is
 * not done.
 */
public class StateException extends RuntimeException {

    /** A failure of {@code operation} on {@code store}. */
    public StateException(String store, String operation, Throwable cause) {
        super(store + ": " + operation + " failed: " + (cause == null ? "" : cause.getMessage()), cause);
    }

    /** A failure described by {@code message}. */
    public StateException(String message) {
        super(message);
    }
}
