package ai.geniusrise.core.state;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.settings.SettingsDef;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * State held in this process's memory: fast, thread-safe, and gone when the process ends. The
 * default backend ({@code stateConfig: {type: memory}}) and the one for tests. Expired entries
 * are dropped when next touched.
 */
public final class InMemoryStateManager implements StateManager {

    private record Entry(byte[] value, long version, long expiresAtMillis) {
        boolean expired(long now) {
            return expiresAtMillis != 0 && now >= expiresAtMillis;
        }
    }

    private final ConcurrentNavigableMap<String, Entry> entries = new ConcurrentSkipListMap<>();
    private final Clock clock;

    /** A manager on the system clock. */
    public InMemoryStateManager() {
        this(Clock.systemUTC());
    }

    /** A manager whose time-to-live follows {@code clock} (a test harness passes a clock it advances). */
    public InMemoryStateManager(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<Versioned> get(String key) {
        Entry e = live(key);
        return e == null ? Optional.empty() : Optional.of(new Versioned(e.value, e.version));
    }

    @Override
    public long put(String key, byte[] value, Duration ttl) {
        long expiry = expiry(ttl);
        Entry e = entries.compute(key, (k, old) -> new Entry(value.clone(), nextVersion(old), expiry));
        return e.version;
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl) {
        long expiry = expiry(ttl);
        AtomicReference<Entry> written = new AtomicReference<>();
        entries.compute(key, (k, old) -> {
            // ConcurrentSkipListMap may apply this function again after a lost race: forget an earlier attempt
            written.set(null);
            Entry current = old == null || old.expired(clock.millis()) ? null : old;
            long currentVersion = current == null ? 0 : current.version;
            if (currentVersion != expectedVersion) {
                return old;
            }
            Entry e = new Entry(value.clone(), nextVersion(old), expiry);
            written.set(e);
            return e;
        });
        Entry e = written.get();
        return e == null ? OptionalLong.empty() : OptionalLong.of(e.version);
    }

    @Override
    public boolean delete(String key) {
        Entry removed = entries.remove(key);
        return removed != null && !removed.expired(clock.millis());
    }

    @Override
    public List<String> keys(String prefix) {
        long now = clock.millis();
        ConcurrentNavigableMap<String, Entry> range = prefix.isEmpty() ? entries
                : entries.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
        return range.entrySet().stream().filter(en -> !en.getValue().expired(now)).map(Map.Entry::getKey).toList();
    }

    @Override
    public void close() {
        entries.clear();
    }

    private Entry live(String key) {
        Entry e = entries.get(key);
        if (e != null && e.expired(clock.millis())) {
            entries.remove(key, e);
            return null;
        }
        return e;
    }

    private static long nextVersion(Entry old) {
        return old == null ? 1 : old.version + 1;
    }

    private long expiry(Duration ttl) {
        if (ttl == null) {
            return 0;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        return clock.millis() + ttl.toMillis();
    }

    /** Serves {@code stateConfig: {type: memory}}. */
    public static final class Provider implements StateManagerProvider {

        /** The memory state manager takes no settings. */
        private static final SettingsDef SETTINGS = SettingsDef.of("a memory stateConfig (it takes no settings)");
        /** For ServiceLoader. */
        public Provider() {
        }

        @Override
        public String type() {
            return "memory";
        }

        @Override
        public SettingsDef settings() {
            return SETTINGS;
        }

        @Override
        public StateManager open(StateConfig config) {
            SETTINGS.parse(config.properties(), "stateConfig.");
            return new InMemoryStateManager();
        }
    }
}
