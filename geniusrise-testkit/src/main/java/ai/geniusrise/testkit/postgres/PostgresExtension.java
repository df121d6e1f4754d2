package ai.geniusrise.testkit.postgres;

import ai.geniusrise.testkit.ContainerServer;
import ai.geniusrise.testkit.ServerExtension;
import ai.geniusrise.testkit.ServerSource;

import java.util.Map;

/**
 * A JUnit 5 extension that gives a test class a real PostgreSQL server, started before its first
 * test and stopped after its last. Where the server comes from is {@link ServerSource}'s choice:
 * the one {@value #URL_ENV} names (a JDBC URL; user in {@value #USER_ENV}, default
 * {@code postgres}; password in {@value #PASSWORD_ENV}), else a {@code postgres:16-alpine}
 * container (trust authentication) when containers are asked for and Docker answers, else an
 * {@link EmbeddedPostgres}.
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final PostgresExtension POSTGRES = new PostgresExtension();
 *
 *     @Test
 *     void keepsCounts() {
 *         StateConfig config = new StateConfig("postgres", POSTGRES.properties("table", "counts"));
 *         ...
 *     }
 * }
 * }</pre>
 *
 * Tests that stop and start the server use {@link #embedded()}. Tests sharing a server should use
 * tables or schemas of their own.
 */
public final class PostgresExtension extends ServerExtension<EmbeddedPostgres> {

    /** The JDBC URL of an existing server to use instead of starting one. */
    public static final String URL_ENV = "GENIUSRISE_TEST_POSTGRES_URL";
    /** The user for {@value #URL_ENV}; default {@code postgres}. */
    public static final String USER_ENV = "GENIUSRISE_TEST_POSTGRES_USER";
    /** The password for {@value #URL_ENV}, if it needs one. */
    public static final String PASSWORD_ENV = "GENIUSRISE_TEST_POSTGRES_PASSWORD";

    private String user = "postgres";

    /** The server the environment chooses; public for {@code @ExtendWith} and {@code @RegisterExtension}. */
    public PostgresExtension() {
        this(false);
    }

    private PostgresExtension(boolean embeddedOnly) {
        super("PostgreSQL", URL_ENV, embeddedOnly);
    }

    /** Always an {@link EmbeddedPostgres}, whatever the environment says. */
    public static PostgresExtension embedded() {
        return new PostgresExtension(true);
    }

    @Override
    protected void useExisting() {
        String u = System.getenv(USER_ENV);
        user = u == null || u.isBlank() ? "postgres" : u.trim();
    }

    @Override
    protected ContainerServer startContainer() {
        return ContainerServer.start("postgres:16-alpine", 5432,
                Map.of("POSTGRES_HOST_AUTH_METHOD", "trust"), new String[0],
                ".*database system is ready to accept connections.*\\s", 2);
    }

    @Override
    protected String address(ContainerServer started) {
        return "jdbc:postgresql://" + started.host() + ":" + started.port() + "/postgres";
    }

    @Override
    protected EmbeddedPostgres startEmbedded() {
        return EmbeddedPostgres.builder().build().start();
    }

    @Override
    protected String address(EmbeddedPostgres started) {
        return started.jdbcUrl();
    }

    /** The JDBC URL of the server's database. */
    public String url() {
        return address();
    }

    /** The user to connect as. */
    public String user() {
        return user;
    }

    /** The password to connect with: {@value #PASSWORD_ENV} for an existing server, else null (none needed). */
    public String password() {
        return source() == ServerSource.EXISTING ? System.getenv(PASSWORD_ENV) : null;
    }

    /**
     * Properties of a {@code postgres} state config that reach this server ({@code url},
     * {@code user}, and {@code passwordEnv} when the server needs a password), plus {@code extra}
     * as name, value, name, value...
     */
    public Map<String, String> properties(String... extra) {
        return withExtra(provider("postgres").propertiesAt(url(), null, user, password() == null ? null : PASSWORD_ENV),
                extra);
    }

    /**
     * The embedded server, to stop and start it.
     *
     * @throws IllegalStateException if the server is not an embedded one
     */
    public EmbeddedPostgres server() {
        return embedded("the PostgreSQL server at " + url() + " is " + source()
                + ", not embedded: use PostgresExtension.embedded() to stop and start it");
    }

    /** Stops the embedded server, keeping its data. */
    public void stop() {
        server().stop();
    }

    /** Starts the embedded server again on its port with its data. */
    public void start() {
        server().start();
    }
}
