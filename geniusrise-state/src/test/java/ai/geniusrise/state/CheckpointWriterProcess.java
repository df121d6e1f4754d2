package ai.geniusrise.state;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateManager;

import java.util.HashMap;
import java.util.Map;

/**
 * A process that checkpoints like a batch task until it is killed: for i = 0, 1, 2, ... it
 * stores {@code processed/i} and moves {@code cursor} to i, then prints {@code done i}. Run by
 * {@link KilledCheckpointWriter}; arguments are the state type and {@code name=value} properties.
 */
public final class CheckpointWriterProcess {

    private CheckpointWriterProcess() {
    }

    /** Writes checkpoints forever. */
    public static void main(String[] args) {
        Map<String, String> properties = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            properties.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        StateManager state = StateManager.open(new StateConfig(args[0], properties));
        for (long i = 0; ; i++) {
            state.putString("processed/" + i, Long.toString(i));
            state.putString("cursor", Long.toString(i));
            System.out.println("done " + i);
            System.out.flush();
        }
    }
}
