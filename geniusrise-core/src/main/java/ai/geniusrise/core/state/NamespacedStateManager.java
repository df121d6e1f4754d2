package ai.geniusrise.core.state;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Prefixes every key with a namespace; see {@link StateManager#namespaced(String)}. */
final class NamespacedStateManager implements StateManager {

    private final StateManager delegate;
    private final String namespace;

    NamespacedStateManager(StateManager delegate, String namespace) {
        this.delegate = delegate;
        this.namespace = namespace;
    }

    @Override
    public Optional<Versioned> get(String key) {
        return delegate.get(namespace + key);
    }

    @Override
    public long put(String key, byte[] value, Duration ttl) {
        return delegate.put(namespace + key, value, ttl);
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl) {
        return delegate.compareAndSet(namespace + key, expectedVersion, value, ttl);
    }

    @Override
    public boolean delete(String key) {
        return delegate.delete(namespace + key);
    }

    @Override
    public List<String> keys(String prefix) {
        int cut = namespace.length();
        return delegate.keys(namespace + prefix).stream().map(k -> k.substring(cut)).toList();
    }

    @Override
    public StateManager namespaced(String inner) {
        return new NamespacedStateManager(delegate, namespace + inner);
    }

    @Override
    public void close() {
        // the delegate belongs to whoever opened it
    }
}
