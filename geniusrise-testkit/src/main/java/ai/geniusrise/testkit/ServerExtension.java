package ai.geniusrise.testkit;

import ai.geniusrise.core.state.StateManagerProvider;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.HashMap;
import java.util.Map;

/**
 * Internal support, not part of the test kit's API: the base of the test kit's JUnit 5 extensions
 * that give a test class a server ({@code RedisExtension}, {@code PostgresExtension},
 * {@code DynamoDBExtension}, {@code KafkaExtension}). Before the class's first test it takes the server {@link ServerSource}
 * chooses (an existing one, a container or an embedded one) and after its last it stops the
 * container or the embedded server it started; subclasses say how to start each kind and what
 * address clients use.
 *
 * @param <E> the embedded server
 */
public abstract class ServerExtension<E extends EmbeddedServer> implements BeforeAllCallback, AfterAllCallback {

    private final String server;
    private final String existingEnv;
    private final boolean embeddedOnly;
    private ServerSource source;
    private E embedded;
    private ContainerServer container;
    private String address;

    /**
     * An extension for this server.
     *
     * @param server the server's name, for messages
     * @param existingEnv the environment variable that holds the address of an existing server
     * @param embeddedOnly true for an embedded server whatever the environment says
     */
    protected ServerExtension(String server, String existingEnv, boolean embeddedOnly) {
        this.server = server;
        this.existingEnv = existingEnv;
        this.embeddedOnly = embeddedOnly;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        source = embeddedOnly ? ServerSource.EMBEDDED : ServerSource.choose(server, existingEnv);
        address = switch (source) {
            case EXISTING -> {
                String value = System.getenv(existingEnv).trim();
                useExisting();
                yield value;
            }
            case CONTAINER -> {
                container = startContainer();
                yield address(container);
            }
            case EMBEDDED -> {
                embedded = startEmbedded();
                yield address(embedded);
            }
        };
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
        if (container != null) {
            container.close();
            container = null;
        }
    }

    /** Where the server came from. */
    public ServerSource source() {
        return source;
    }

    /** Called when the server is an existing one, to read more of its settings; does nothing by default. */
    protected void useExisting() {
    }

    /** Starts the server's container. */
    protected abstract ContainerServer startContainer();

    /** The address clients use to reach the server in this container. */
    protected abstract String address(ContainerServer started);

    /** Builds (and, unless the extension says otherwise, starts) the embedded server. */
    protected abstract E startEmbedded();

    /** The address clients use to reach this embedded server. */
    protected abstract String address(E started);

    /** The address clients use to reach the server, once {@link #beforeAll} has run. */
    protected String address() {
        return address;
    }

    /**
     * A copy of these config properties with {@code extra} added, as name, value, name, value...
     *
     * @throws IllegalArgumentException if {@code extra} does not come in pairs
     */
    protected static Map<String, String> withExtra(Map<String, String> properties, String... extra) {
        if (extra.length % 2 != 0) {
            throw new IllegalArgumentException("extra properties come in name, value pairs; got " + extra.length + " strings");
        }
        Map<String, String> p = new HashMap<>(properties);
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return p;
    }

    /**
     * The state backend of {@code type} on the classpath, which writes its own {@code stateConfig}
     * keys ({@link StateManagerProvider#propertiesAt}).
     *
     * @throws IllegalStateException if it is not on the classpath
     */
    protected static StateManagerProvider provider(String type) {
        return StateManagerProvider.find(type).orElseThrow(() -> new IllegalStateException("no " + type
                + " state backend on the classpath: add ai.geniusrise:geniusrise-state (test scope) to use properties()"));
    }

    /**
     * The embedded server.
     *
     * @param notEmbedded the message of the exception if the server is not an embedded one
     * @throws IllegalStateException if the server is not an embedded one
     */
    protected E embedded(String notEmbedded) {
        if (embedded == null) {
            throw new IllegalStateException(notEmbedded);
        }
        return embedded;
    }
}
