package ai.geniusrise.state.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A Redis server for one test class: the one {@code GENIUSRISE_TEST_REDIS_URL} names, or an
 * embedded redis-server (from the embedded-redis artifact) on a free port, persisting to an
 * append-only file under {@code target/} with {@code appendfsync always}, so that it can be
 * stopped and started again with its data. Belongs in the test kit once that grows server
 * extensions.
 */
final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final List<String> settings = new ArrayList<>();
    private final boolean embeddedOnly;
    private RedisServer server;
    private int port;
    private String url;

    /** Uses the external server when the environment names one. */
    RedisServerExtension() {
        this(false);
    }

    private RedisServerExtension(boolean embeddedOnly) {
        this.embeddedOnly = embeddedOnly;
    }

    /** Always an embedded server, with extra redis.conf lines (for tests that stop it or set a password). */
    static RedisServerExtension embedded(String... extraSettings) {
        RedisServerExtension e = new RedisServerExtension(true);
        e.settings.addAll(List.of(extraSettings));
        return e;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        String external = System.getenv("GENIUSRISE_TEST_REDIS_URL");
        if (!embeddedOnly && external != null && !external.isBlank()) {
            url = external;
            return;
        }
        port = freePort();
        Path dir = Path.of("target", "redis", UUID.randomUUID().toString()).toAbsolutePath();
        Files.createDirectories(dir);
        RedisServerBuilder b = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("dir " + dir).setting("appendonly yes").setting("appendfsync always")
                .setting("save \"\"");
        settings.forEach(b::setting);
        server = b.build();
        server.start();
        url = "redis://127.0.0.1:" + port + "/0";
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (server != null && server.isActive()) {
            server.stop();
        }
    }

    /** {@code redis://host:port/0} of the server. */
    String url() {
        return url;
    }

    int port() {
        return port;
    }

    /** Stops the embedded server (its data stays in its append-only file). */
    void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the embedded server again on the same port with the same data. */
    void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
