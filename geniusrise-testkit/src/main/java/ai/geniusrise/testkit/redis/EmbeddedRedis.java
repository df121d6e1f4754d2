package ai.geniusrise.testkit.redis;

import ai.geniusrise.testkit.EmbeddedServer;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
public final class EmbeddedRedis extends EmbeddedServer {

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final RedisServer server;

    private EmbeddedRedis(Builder b) {
        super(b.port);
        try {
            this.dataDir = b.dataDir != null ? Files.createDirectories(b.dataDir.toAbsolutePath())
                    : Files.createTempDirectory("geniusrise-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Redis data folder", e);
        }
        this.deleteOnClose = b.dataDir == null;
        RedisServerBuilder rb = RedisServer.newRedisServer().port(port()).bind("127.0.0.1")
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
    @Override
    public EmbeddedRedis start() {
        if (!server.isActive()) {
            try {
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded redis-server did not start on port " + port(), e);
            }
        }
        return this;
    }

    /** Stops the server, keeping its data; {@link #start()} brings it back on the same port. */
    @Override
    public void stop() {
        if (server.isActive()) {
            try {
                server.stop();
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded redis-server on port " + port() + " did not stop", e);
            }
        }
    }

    @Override
    public boolean isRunning() {
        return server.isActive();
    }

    /** The port it listens on, on {@code 127.0.0.1}. */
    @Override
    public int port() {
        return super.port();
    }

    /** {@code redis://127.0.0.1:<port>/0}. */
    public String url() {
        return "redis://127.0.0.1:" + port() + "/0";
    }

    /** The folder of its append-only file. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    protected Path temporaryFolder() {
        return deleteOnClose ? dataDir : null;
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
