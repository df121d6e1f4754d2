package ai.geniusrise.core.state;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.SettingsDef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * State kept in a folder of the local file system: {@code stateConfig: {type: file, path: DIR}},
 * and what local mode ({@code geniusrise run FILE}) uses for {@code type: memory}, in
 * {@code .geniusrise/state} beside the pipeline file, so that a second run remembers what the
 * first did (the objects a {@code select: new} input read, a spout's cursor).
 *
 * <p>Entries live in memory and in a journal ({@code state.jsonl}): each write appends one line
 * and forces it to disk before it returns; opening the folder replays the journal and rewrites it
 * compacted (expired and overwritten entries dropped), as the journal does once it holds more
 * dead lines than live ones. A line cut short by a crash is ignored. One process at a time uses
 * a folder (a lock on {@code .lock}; another process is refused with an error naming the folder);
 * inside that process every manager of the folder shares one store. Thread-safe; for one machine,
 * not for state shared by replicas (use redis, postgres or dynamodb for that).
 */
public final class FileStateManager implements StateManager {

    private static final String JOURNAL = "state.jsonl";
    private static final String LOCK = ".lock";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Map<Path, Store> OPEN = new HashMap<>();

    private final Store store;
    private boolean closed;

    private FileStateManager(Store store) {
        this.store = store;
    }

    /**
     * Opens the state kept in {@code folder}, creating it if needed.
     *
     * @throws StateException if the folder cannot be written, is used by another process, or its
     *                        journal is not one of ours
     */
    public static FileStateManager open(Path folder) {
        return open(folder, Clock.systemUTC());
    }

    /** {@link #open(Path)} with time-to-live following {@code clock} (used when the folder is first opened). */
    public static FileStateManager open(Path folder, Clock clock) {
        Path key = folder.toAbsolutePath().normalize();
        synchronized (OPEN) {
            Store store = OPEN.get(key);
            if (store == null) {
                store = new Store(key, clock);
                OPEN.put(key, store);
            }
            store.users++;
            return new FileStateManager(store);
        }
    }

    @Override
    public Optional<Versioned> get(String key) {
        synchronized (store) {
            Entry e = store.live(key);
            return e == null ? Optional.empty() : Optional.of(new Versioned(e.value.clone(), e.version));
        }
    }

    @Override
    public long put(String key, byte[] value, Duration ttl) {
        synchronized (store) {
            Entry old = store.entries.get(key);
            return store.write(key, value, old == null ? 1 : old.version + 1, expiry(ttl)).version;
        }
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl) {
        synchronized (store) {
            Entry current = store.live(key);
            if ((current == null ? 0 : current.version) != expectedVersion) {
                return OptionalLong.empty();
            }
            Entry old = store.entries.get(key);
            return OptionalLong.of(store.write(key, value, old == null ? 1 : old.version + 1, expiry(ttl)).version);
        }
    }

    @Override
    public boolean delete(String key) {
        synchronized (store) {
            Entry live = store.live(key);
            if (store.entries.containsKey(key)) {
                store.append(deletion(key));
                store.entries.remove(key);
            }
            return live != null;
        }
    }

    @Override
    public List<String> keys(String prefix) {
        synchronized (store) {
            long now = store.clock.millis();
            NavigableMap<String, Entry> range = prefix.isEmpty() ? store.entries
                    : store.entries.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
            List<String> keys = new ArrayList<>();
            range.forEach((k, e) -> {
                if (!e.expired(now)) {
                    keys.add(k);
                }
            });
            return keys;
        }
    }

    /** Releases this manager; the folder is unlocked when its last manager in this process closes. */
    @Override
    public void close() {
        synchronized (OPEN) {
            if (closed) {
                return;
            }
            closed = true;
            if (--store.users == 0) {
                OPEN.remove(store.folder);
                store.close();
            }
        }
    }

    private long expiry(Duration ttl) {
        if (ttl == null) {
            return 0;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        return store.clock.millis() + ttl.toMillis();
    }

    private static ObjectNode deletion(String key) {
        ObjectNode line = JSON.createObjectNode();
        line.put("k", key);
        line.put("deleted", true);
        return line;
    }

    private record Entry(byte[] value, long version, long expiresAtMillis) {
        boolean expired(long now) {
            return expiresAtMillis != 0 && now >= expiresAtMillis;
        }

        ObjectNode line(String key) {
            ObjectNode line = JSON.createObjectNode();
            line.put("k", key);
            line.put("version", version);
            if (expiresAtMillis != 0) {
                line.put("expiresAt", expiresAtMillis);
            }
            line.put("value", value);
            return line;
        }
    }

    /** The entries of one folder, its journal and its lock; guarded by itself. */
    private static final class Store {
        final Path folder;
        final Clock clock;
        final TreeMap<String, Entry> entries = new TreeMap<>();
        final FileChannel lockChannel;
        final FileLock lock;
        FileChannel journal;
        long lines;
        int users;

        Store(Path folder, Clock clock) {
            this.folder = folder;
            this.clock = clock;
            try {
                Files.createDirectories(folder);
                lockChannel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                lock = lockChannel.tryLock();
            } catch (IOException e) {
                throw new StateException("file state in " + folder, "opening", e);
            }
            if (lock == null) {
                closeQuietly(lockChannel);
                throw new StateException("the state folder " + folder + " is in use by another process (another "
                        + "geniusrise run of the same pipeline?); stop it, or give this run another folder");
            }
            try {
                replay();
                compact();
            } catch (IOException | RuntimeException e) {
                release();
                throw e instanceof StateException s ? s : new StateException("file state in " + folder,
                        "reading " + JOURNAL, e);
            }
        }

        Entry live(String key) {
            Entry e = entries.get(key);
            return e == null || e.expired(clock.millis()) ? null : e;
        }

        Entry write(String key, byte[] value, long version, long expiresAt) {
            Entry e = new Entry(value.clone(), version, expiresAt);
            append(e.line(key));
            entries.put(key, e);
            return e;
        }

        void append(ObjectNode line) {
            try {
                byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    journal.write(buffer);
                }
                journal.force(false);
                lines++;
                if (lines > 1024 && lines > 2L * entries.size()) {
                    compact();
                }
            } catch (IOException e) {
                throw new StateException("file state in " + folder, "writing " + JOURNAL, e);
            }
        }

        private void replay() throws IOException {
            Path file = folder.resolve(JOURNAL);
            if (!Files.exists(file)) {
                return;
            }
            List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < text.size(); i++) {
                String raw = text.get(i);
                if (raw.isBlank()) {
                    continue;
                }
                JsonNode line;
                try {
                    line = JSON.readTree(raw);
                } catch (IOException e) {
                    if (i == text.size() - 1) {
                        break; // the last write, cut short by a crash: it never returned
                    }
                    throw new StateException(file + ":" + (i + 1) + " is not a line of a geniusrise state journal; "
                            + "move the folder away to start with empty state");
                }
                String key = line.path("k").asText();
                if (line.path("deleted").asBoolean(false)) {
                    entries.remove(key);
                } else {
                    entries.put(key, new Entry(line.get("value").binaryValue(), line.get("version").asLong(),
                            line.path("expiresAt").asLong(0)));
                }
            }
        }

        /** Rewrites the journal with the live entries only, atomically, and appends to it from then on. */
        private void compact() throws IOException {
            long now = clock.millis();
            entries.values().removeIf(e -> e.expired(now));
            Path tmp = folder.resolve(JOURNAL + ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                StringBuilder sb = new StringBuilder();
                for (Map.Entry<String, Entry> e : entries.entrySet()) {
                    sb.append(JSON.writeValueAsString(e.getValue().line(e.getKey()))).append('\n');
                }
                ByteBuffer buffer = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            if (journal != null) {
                journal.close();
            }
            Files.move(tmp, folder.resolve(JOURNAL), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            journal = FileChannel.open(folder.resolve(JOURNAL), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            lines = entries.size();
        }

        void close() {
            synchronized (this) {
                release();
            }
        }

        private void release() {
            if (journal != null) {
                closeQuietly(journal);
            }
            try {
                lock.release();
            } catch (IOException e) {
                // closing the channel releases it too
            }
            closeQuietly(lockChannel);
        }

        private static void closeQuietly(FileChannel channel) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
        }
    }

    /** Serves {@code stateConfig: {type: file, path: DIR}}; {@code path} defaults to {@code .geniusrise/state}. */
    public static final class Provider implements StateManagerProvider {

        /** The setting naming the folder. */
        public static final Setting<String> PATH = Setting.string("path", "The folder the state is kept in, "
                + "relative to the working directory.").withDefault(".geniusrise/state");

        private static final SettingsDef SETTINGS = SettingsDef.of("a file stateConfig", PATH);

        /** For ServiceLoader. */
        public Provider() {
        }

        @Override
        public String type() {
            return "file";
        }

        @Override
        public SettingsDef settings() {
            return SETTINGS;
        }

        @Override
        public StateManager open(StateConfig config) {
            return FileStateManager.open(Path.of(SETTINGS.parse(config.properties(), "stateConfig.").get(PATH)));
        }
    }
}
