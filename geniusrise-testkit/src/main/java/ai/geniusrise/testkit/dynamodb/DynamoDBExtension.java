package ai.geniusrise.testkit.dynamodb;

import ai.geniusrise.testkit.ContainerServer;
import ai.geniusrise.testkit.ServerExtension;
import ai.geniusrise.testkit.ServerSource;

import java.util.Map;

/**
 * A JUnit 5 extension that gives a test class a real DynamoDB endpoint, started before its first
 * test and stopped after its last. Where it comes from is {@link ServerSource}'s choice: the one
 * {@value #ENDPOINT_ENV} names, else an {@code amazon/dynamodb-local} container when containers are
 * asked for and Docker answers, else an {@link EmbeddedDynamoDB} (tables in memory).
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final DynamoDBExtension DYNAMODB = new DynamoDBExtension();
 *
 *     @Test
 *     void keepsCounts() {
 *         StateConfig config = new StateConfig("dynamodb", DYNAMODB.properties("createTable", "true"));
 *         ...
 *     }
 * }
 * }</pre>
 *
 * Clients need credentials; DynamoDB Local accepts any (the state module's tests set the system
 * properties {@code aws.accessKeyId} and {@code aws.secretAccessKey} to {@code test}).
 * {@link #notStarted()} gives an embedded endpoint whose port is known but which a test starts
 * itself, to test clients that come up before their server.
 */
public final class DynamoDBExtension extends ServerExtension<EmbeddedDynamoDB> {

    /** The URL of an existing DynamoDB endpoint to use instead of starting one. */
    public static final String ENDPOINT_ENV = "GENIUSRISE_TEST_DYNAMODB_ENDPOINT";

    private final boolean startNow;

    /** The endpoint the environment chooses; public for {@code @ExtendWith} and {@code @RegisterExtension}. */
    public DynamoDBExtension() {
        this(true);
    }

    private DynamoDBExtension(boolean startNow) {
        super("DynamoDB Local", ENDPOINT_ENV, !startNow);
        this.startNow = startNow;
    }

    /** Always an {@link EmbeddedDynamoDB} (tables in memory), on a port chosen now, started by {@link #start()}. */
    public static DynamoDBExtension notStarted() {
        return new DynamoDBExtension(false);
    }

    @Override
    protected ContainerServer startContainer() {
        return ContainerServer.start("amazon/dynamodb-local:2.6.1", 8000, Map.of(),
                new String[] {"-jar", "DynamoDBLocal.jar", "-inMemory", "-sharedDb"}, null, 1);
    }

    @Override
    protected String address(ContainerServer started) {
        return "http://" + started.host() + ":" + started.port();
    }

    @Override
    protected EmbeddedDynamoDB startEmbedded() {
        EmbeddedDynamoDB embedded = EmbeddedDynamoDB.builder().inMemory().build();
        if (startNow) {
            embedded.start();
        }
        return embedded;
    }

    @Override
    protected String address(EmbeddedDynamoDB started) {
        return started.endpoint();
    }

    /** {@code http://host:port} of the endpoint. */
    public String endpoint() {
        return address();
    }

    /** The region to give clients: {@link EmbeddedDynamoDB#REGION}. */
    public String region() {
        return EmbeddedDynamoDB.REGION;
    }

    /**
     * Properties of a {@code dynamodb} state config that reach this endpoint ({@code endpoint},
     * {@code region}), plus {@code extra} as name, value, name, value...
     */
    public Map<String, String> properties(String... extra) {
        return withExtra(provider("dynamodb").propertiesAt(endpoint(), region(), null, null), extra);
    }

    /**
     * The embedded endpoint, to stop and start it.
     *
     * @throws IllegalStateException if the endpoint is not an embedded one
     */
    public EmbeddedDynamoDB server() {
        return embedded("the DynamoDB endpoint " + endpoint() + " is " + source()
                + ", not embedded: use DynamoDBExtension.notStarted() to start it in the test");
    }

    /** Starts the embedded endpoint. */
    public void start() {
        server().start();
    }

    /** Stops the embedded endpoint (in memory: its tables are gone). */
    public void stop() {
        server().stop();
    }
}
