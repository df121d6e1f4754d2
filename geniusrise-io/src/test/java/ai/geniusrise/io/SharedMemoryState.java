package ai.geniusrise.io;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.InMemoryStateManager;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.core.state.StateManagerProvider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code stateConfig: {type: shared-memory, name: X}}: the real {@link InMemoryStateManager}, one
 * per name for the life of the test JVM, so that what one run of a task remembers is there for
 * the next run, as with a durable backend. Closing a view leaves the store open.
 */
public final class SharedMemoryState implements StateManagerProvider {

    private static final Map<String, InMemoryStateManager> STORES = new ConcurrentHashMap<>();

    /** For ServiceLoader. */
    public SharedMemoryState() {
    }

    /** The store named {@code name}. */
    public static StateManager store(String name) {
        return STORES.computeIfAbsent(name, n -> new InMemoryStateManager());
    }

    /** The config of the store named {@code name}. */
    public static StateConfig config(String name) {
        return new StateConfig("shared-memory", Map.of("name", name));
    }

    @Override
    public String type() {
        return "shared-memory";
    }

    @Override
    public StateManager open(StateConfig config) {
        // a view, so that the runtime's close() does not end the store
        return store(config.properties().get("name")).namespaced("");
    }
}
