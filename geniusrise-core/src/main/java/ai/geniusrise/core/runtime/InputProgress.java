package ai.geniusrise.core.runtime;

import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.state.StateManager;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What earlier runs of a task read of a batch input, kept in the task's state: the objects done
 * ({@code input/done/<location of the object>}) and, for an object being sent to a stream, the
 * number of records already acknowledged ({@code input/at/<location of the object>}). Keys name
 * the object's full location (the input's resolved source and the object's relative name), so a
 * source holding date-time fields keeps one entry per object whatever the day.
 */
final class InputProgress {

    private static final String DONE = "input/done/";
    private static final String AT = "input/at/";

    private final StateManager state;
    private final String task;
    private final String base;

    InputProgress(StateManager state, String task, String source) {
        this.state = state;
        this.task = task;
        this.base = source.replaceAll("/+$", "") + "/";
    }

    /** The objects (relative names) that earlier runs finished. */
    Set<String> done() {
        try {
            List<String> keys = state.keys(DONE + base);
            Set<String> names = new HashSet<>(keys.size() * 2);
            keys.forEach(k -> names.add(k.substring(DONE.length() + base.length())));
            return names;
        } catch (RuntimeException e) {
            throw failure("read which objects earlier runs read", e);
        }
    }

    /** Remembers that {@code object} is done, and forgets its position. */
    void markDone(String object) {
        try {
            state.putString(DONE + base + object, Instant.now().toString());
            state.delete(AT + base + object);
        } catch (RuntimeException e) {
            throw failure("remember that object '" + object + "' was read", e);
        }
    }

    /** The records of {@code object} already acknowledged by an earlier, interrupted run; 0 if none. */
    long position(String object) {
        try {
            Optional<String> at = state.getString(AT + base + object);
            return at.map(Long::parseLong).orElse(0L);
        } catch (NumberFormatException e) {
            return 0;
        } catch (RuntimeException e) {
            throw failure("read the position reached in object '" + object + "'", e);
        }
    }

    /** Remembers that the first {@code records} records of {@code object} are acknowledged. */
    void savePosition(String object, long records) {
        try {
            state.putString(AT + base + object, Long.toString(records));
        } catch (RuntimeException e) {
            throw failure("checkpoint the position reached in object '" + object + "'", e);
        }
    }

    private TaskFailedException failure(String what, RuntimeException e) {
        return new TaskFailedException("task '" + task + "' could not " + what + " of " + base + " in its state: "
                + Failures.describe(e), e);
    }
}
