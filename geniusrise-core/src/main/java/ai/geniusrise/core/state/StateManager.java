package ai.geniusrise.core.state;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.spi.Providers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * A key-value store for the state of tasks: checkpoints the runtime keeps (what a batch task
 * processed, a spout's cursor) and whatever user code keeps through
 * {@link ai.geniusrise.core.TaskContext#state()}.
 *
 * <p>Promises every implementation keeps (the test kit's contract suite checks them):
 * <ul>
 *   <li>A write that returns has been stored durably as far as the backend goes; a write that
 *   fails throws {@link StateException} and is never reported done.</li>
 *   <li>Each successful write gives the key a higher version than it had before; compare-and-set
 *   succeeds for exactly one of several concurrent writers holding the same version.</li>
 *   <li>An entry written with a time-to-live is absent (for get, keys and compare-and-set) once
 *   it has expired.</li>
 *   <li>Methods are thread-safe.</li>
 * </ul>
 *
 * <p>Backends are found with {@link ServiceLoader} by the config's type, like JDBC drivers:
 * {@link #open(StateConfig)}.
 */
public interface StateManager extends AutoCloseable {

    /** The value and version stored at {@code key}, if any and not expired. */
    Optional<Versioned> get(String key);

    /**
     * Stores {@code value} at {@code key}, whatever was there.
     *
     * @return the new version
     */
    default long put(String key, byte[] value) {
        return put(key, value, null);
    }

    /**
     * Stores {@code value} at {@code key} for {@code ttl} ({@code null}: forever).
     *
     * @return the new version
     */
    long put(String key, byte[] value, Duration ttl);

    /**
     * Stores {@code value} only if the key's current version is {@code expectedVersion}
     * (0: only if the key is absent).
     *
     * @return the new version, or empty if the key's version was not {@code expectedVersion}
     */
    default OptionalLong compareAndSet(String key, long expectedVersion, byte[] value) {
        return compareAndSet(key, expectedVersion, value, null);
    }

    /** {@link #compareAndSet(String, long, byte[])} with a time-to-live ({@code null}: forever). */
    OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl);

    /**
     * Removes {@code key}.
     *
     * @return true if it was present
     */
    boolean delete(String key);

    /** The keys starting with {@code prefix} ({@code ""} for all), sorted. */
    List<String> keys(String prefix);

    /** Releases connections. The manager must not be used afterwards. */
    @Override
    void close();

    /** The value at {@code key} as UTF-8 text, if any. */
    default Optional<String> getString(String key) {
        return get(key).map(Versioned::asString);
    }

    /** Stores UTF-8 text at {@code key}; returns the new version. */
    default long putString(String key, String value) {
        return put(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A view of this manager in which every key is prefixed with {@code namespace}: what one
     * task sees. Closing the view does not close this manager.
     */
    default StateManager namespaced(String namespace) {
        return new NamespacedStateManager(this, namespace);
    }

    /**
     * Opens the state manager {@code config.type()} names, found with {@link ServiceLoader}
     * among the {@link StateManagerProvider}s on the classpath.
     *
     * @throws ConfigException if no provider has that type, or the provider rejects the properties
     */
    static StateManager open(StateConfig config) {
        Optional<StateManagerProvider> provider = StateManagerProvider.find(config.type());
        if (provider.isPresent()) {
            return provider.get().open(config);
        }
        List<String> known = new ArrayList<>();
        for (StateManagerProvider p : Providers.load(StateManagerProvider.class)) {
            known.add(p.type());
        }
        throw new ConfigException("stateConfig.type", "no state manager of type '" + config.type()
                + "' is on the classpath (known: " + known.stream().sorted().collect(Collectors.joining(", "))
                + "); the redis, postgres and dynamodb types come with ai.geniusrise:geniusrise-state");
    }
}
