package ai.geniusrise.testkit.schemaregistry;

import ai.geniusrise.testkit.ContainerServer;
import ai.geniusrise.testkit.ServerExtension;
import ai.geniusrise.testkit.ServerSource;

import java.util.Map;

/**
 * A JUnit 5 extension that gives a test class a schema registry serving the Confluent-compatible
 * REST API, started before its first test and stopped after its last. Where it comes from is
 * {@link ServerSource}'s choice: the one {@value #URL_ENV} names (the API's base URL, such as
 * {@code http://registry:8080/apis/ccompat/v7}), else Apicurio Registry's container when containers
 * are asked for and Docker answers, else an {@link EmbeddedSchemaRegistry}.
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();
 *
 *     @Test
 *     void readsAvro() {
 *         StreamingInputConfig in = StreamingInputConfig.builder("clicks").valueFormat(SchemaFormat.AVRO)
 *                 .schemaRegistry(SchemaRegistryConfig.DEFAULT.withUrl(REGISTRY.url())).build();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * Tests sharing a registry should use subjects (topics) of their own.
 */
public final class SchemaRegistryExtension extends ServerExtension<EmbeddedSchemaRegistry> {

    /** The base URL of an existing registry's Confluent-compatible API, to use instead of starting one. */
    public static final String URL_ENV = "GENIUSRISE_TEST_SCHEMA_REGISTRY_URL";
    /** The container image used when containers are asked for: Apicurio Registry, in-memory storage. */
    public static final String IMAGE = "quay.io/apicurio/apicurio-registry:3.3.3";

    /** The registry the environment chooses; public for {@code @ExtendWith} and {@code @RegisterExtension}. */
    public SchemaRegistryExtension() {
        super("schema registry", URL_ENV, false);
    }

    @Override
    protected ContainerServer startContainer() {
        return ContainerServer.start(IMAGE, 8080, Map.of(), null, null, 1);
    }

    @Override
    protected String address(ContainerServer started) {
        return "http://" + started.host() + ":" + started.port() + EmbeddedSchemaRegistry.BASE_PATH;
    }

    @Override
    protected EmbeddedSchemaRegistry startEmbedded() {
        return EmbeddedSchemaRegistry.builder().build().start();
    }

    @Override
    protected String address(EmbeddedSchemaRegistry started) {
        return started.url();
    }

    /** The base URL of the registry's Confluent-compatible API. */
    public String url() {
        return address();
    }
}
