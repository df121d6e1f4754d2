package ai.geniusrise.testkit.redis;

import ai.geniusrise.testkit.ContainerServer;
import ai.geniusrise.testkit.ServerExtension;
import ai.geniusrise.testkit.ServerSource;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JUnit 5 extension that gives a test class a real Redis server, started before its first test
 * and stopped after its last. Where the server comes from is {@link ServerSource}'s choice:
 * the one {@value #URL_ENV} names (a {@code redis://} URL), else a {@code redis:7-alpine}
 * container when containers are asked for and Docker answers, else an {@link EmbeddedRedis}.
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final RedisExtension REDIS = new RedisExtension();
 *
 *     @Test
 *     void keepsCounts() {
 *         StateConfig config = new StateConfig("redis", REDIS.properties("keyPrefix", "counts:"));
 *         ...
 *     }
 * }
 * }</pre>
 *
 * Tests that stop and start the server, or need server settings, use {@link #embedded(String...)}:
 * always an embedded server, whatever the environment says. Tests sharing a server should use keys of
 * their own (a key prefix per class).
 */
public final class RedisExtension extends ServerExtension<EmbeddedRedis> {

    /** The URL of an existing Redis server to use instead of starting one. */
    public static final String URL_ENV = "GENIUSRISE_TEST_REDIS_URL";

    private final List<String> settings;

    /** The server the environment chooses; public for {@code @ExtendWith} and {@code @RegisterExtension}. */
    public RedisExtension() {
        this(false, List.of());
    }

    private RedisExtension(boolean embeddedOnly, List<String> settings) {
        super("Redis", URL_ENV, embeddedOnly);
        this.settings = settings;
    }

    /** Always an {@link EmbeddedRedis}, with these redis.conf lines (such as {@code requirepass s3cret}). */
    public static RedisExtension embedded(String... settings) {
        return new RedisExtension(true, List.of(settings));
    }

    @Override
    protected ContainerServer startContainer() {
        List<String> command = new ArrayList<>(List.of("redis-server"));
        settings.forEach(s -> command.add("--" + s));
        return ContainerServer.start("redis:7-alpine", 6379, Map.of(), command.toArray(String[]::new), null, 1);
    }

    @Override
    protected String address(ContainerServer started) {
        return "redis://" + started.host() + ":" + started.port() + "/0";
    }

    @Override
    protected EmbeddedRedis startEmbedded() {
        EmbeddedRedis.Builder b = EmbeddedRedis.builder();
        settings.forEach(b::setting);
        return b.build().start();
    }

    @Override
    protected String address(EmbeddedRedis started) {
        return started.url();
    }

    /** The server's {@code redis://host:port[/db]} URL. */
    public String url() {
        return address();
    }

    /**
     * Properties of a {@code redis} state config that reach this server (its {@code url}, as the
     * redis backend on the classpath writes it), plus {@code extra} as name, value, name, value...
     *
     * @throws IllegalStateException if the redis backend (geniusrise-state) is not on the classpath
     */
    public Map<String, String> properties(String... extra) {
        return withExtra(provider("redis").propertiesAt(url(), null, null, null), extra);
    }

    /** The server's host. */
    public String host() {
        return URI.create(url()).getHost();
    }

    /** The server's port. */
    public int port() {
        int port = URI.create(url()).getPort();
        return port > 0 ? port : 6379;
    }

    /**
     * The embedded server, to stop and start it.
     *
     * @throws IllegalStateException if the server is not an embedded one
     */
    public EmbeddedRedis server() {
        return embedded("the Redis server at " + url() + " is " + source()
                + ", not embedded: use RedisExtension.embedded() to stop and start it");
    }

    /** Stops the embedded server, keeping its data ({@link #server()}{@code .stop()}). */
    public void stop() {
        server().stop();
    }

    /** Starts the embedded server again on its port with its data ({@link #server()}{@code .start()}). */
    public void start() {
        server().start();
    }
}
