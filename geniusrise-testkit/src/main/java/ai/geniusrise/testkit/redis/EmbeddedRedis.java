package ai.geniusrise.testkit.redis;

import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Redis server (the redis-server binary the {@code com.github.codemonstur:embedded-redis}
 * artifact ships, Redis 6.2) in a child process, listening on {@code 127.0.0.1} only. Starts in
 * about 0.1 s. It persists to an append-only file with {@code appendfsync always}, so every write
 * it acknowledged survives {@link #stop()} and {@link #start()} again, which keeps the port.
 *
 * <pre>{@code
 * try (EmbeddedRedis redis = EmbeddedRedis.builder().setting("requirepass s3cret").build().start()) {
 *     String url = redis.url();          // redis://127.0.0.1:<port>/0
 * }
 * }</pre>
 *
 * Usable outside JUnit (a benchmark, a local run); in tests, {@link RedisExtension} manages one.
 * Not thread-safe: start and stop it from one thread.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final RedisServer server;

    private EmbeddedRedis(Builder b) {
        try {
            this.dataDir = b.dataDir != null ? Files.createDirectories(b.dataDir.toAbsolutePath())
                    : Files.createTempDirectory("geniusrise-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Redis data folder", e);
        }
        this.deleteOnClose = b.dataDir == null;
        this.port = b.port > 0 ? b.port : freePort();
        RedisServerBuilder rb = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("dir " + dataDir).setting("appendonly yes").setting("appendfsync always")
                .setting("save \"\"");
        b.settings.forEach(rb::setting);
        try {
            this.server = rb.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded redis-server", e);
        }
    }

    /** A builder; by default a free port and a temporary data folder (deleted on close). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server and waits until it accepts connections; does nothing if it runs.
     *
     * @return this
     */
    public EmbeddedRedis start() {
        if (!server.isActive()) {
            try {
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded redis-server did not start on port " + port, e);
            }
        }
        return this;
    }

    /** Stops the server, keeping its data; {@link #start()} brings it back on the same port. */
    public void stop() {
        if (server.isActive()) {
            try {
                server.stop();
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded redis-server on port " + port + " did not stop", e);
            }
        }
    }

    /** True between {@link #start()} and {@link #stop()}. */
    public boolean isRunning() {
        return server.isActive();
    }

    /** The port it listens on, on {@code 127.0.0.1}. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>/0}. */
    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** The folder of its append-only file. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Stops the server and deletes its data if the folder was a temporary one.
     *
     * @throws UncheckedIOException if the temporary folder cannot be deleted
     */
    @Override
    public void close() {
        stop();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Builds an {@link EmbeddedRedis}. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private final List<String> settings = new ArrayList<>();

        private Builder() {
        }

        /** Keep the data in this folder (kept on close); default a temporary folder (deleted on close). */
        public Builder dataDir(Path value) {
            this.dataDir = value;
            return this;
        }

        /** Listen on this port; default a free one. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** A redis.conf line, such as {@code requirepass s3cret} or {@code maxmemory 64mb}. */
        public Builder setting(String line) {
            settings.add(line);
            return this;
        }

        /** The server, not started. */
        public EmbeddedRedis build() {
            return new EmbeddedRedis(this);
        }
    }
}
