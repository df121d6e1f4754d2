package ai.geniusrise.testkit.s3;

import ai.geniusrise.testkit.ContainerServer;
import ai.geniusrise.testkit.ServerSource;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Map;

/**
 * A JUnit 5 extension that gives a test a real S3-compatible endpoint: an {@link EmbeddedS3}
 * (S3Proxy, objects in memory) by default, started once per test run and shared by every test
 * class that uses the extension, then stopped when the run ends; or, when the environment variable
 * {@value #ENDPOINT_ENV} is set, that endpoint, with the credentials in {@value #ACCESS_KEY_ENV} and
 * {@value #SECRET_KEY_ENV} and the region in {@value #REGION_ENV} (default {@code us-east-1}); or,
 * when containers are asked for and can be had ({@link ServerSource}: {@code GENIUSRISE_TEST_CONTAINERS=true},
 * Testcontainers on the test classpath, a Docker engine), a MinIO container ({@value #MINIO_IMAGE}).
 *
 * <pre>{@code
 * @ExtendWith(S3Extension.class)
 * class MyTest {
 *     @Test
 *     void writesToS3(S3Endpoint s3) {
 *         String bucket = s3.createBucket("out");
 *         ...
 *     }
 * }
 * }</pre>
 *
 * Tests share the endpoint: each should create its own buckets ({@link S3Endpoint#createBucket}).
 */
public final class S3Extension implements ParameterResolver {

    /** The URL of an existing endpoint to use instead of an embedded one. */
    public static final String ENDPOINT_ENV = "GENIUSRISE_TEST_S3_ENDPOINT";
    /** The access key id for {@value #ENDPOINT_ENV}. */
    public static final String ACCESS_KEY_ENV = "GENIUSRISE_TEST_S3_ACCESS_KEY_ID";
    /** The secret access key for {@value #ENDPOINT_ENV}. */
    public static final String SECRET_KEY_ENV = "GENIUSRISE_TEST_S3_SECRET_ACCESS_KEY";
    /** The region for {@value #ENDPOINT_ENV}. */
    public static final String REGION_ENV = "GENIUSRISE_TEST_S3_REGION";

    /** The MinIO image started when containers are asked for. */
    public static final String MINIO_IMAGE = "minio/minio:latest";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(S3Extension.class);

    /** The extension; public for {@code @ExtendWith}. */
    public S3Extension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == S3Endpoint.class;
    }

    @Override
    public S3Endpoint resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return endpoint(context);
    }

    /** The endpoint of this test run, started on first use. */
    public static S3Endpoint endpoint(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(S3Endpoint.class,
                k -> open(System.getenv()), S3Endpoint.class);
    }

    static S3Endpoint open(Map<String, String> env) {
        String endpoint = env.get(ENDPOINT_ENV);
        if (endpoint == null || endpoint.isBlank()) {
            return ServerSource.choose("S3 store", ENDPOINT_ENV) == ServerSource.CONTAINER ? minio()
                    : EmbeddedS3.builder().build().start();
        }
        String key = env.get(ACCESS_KEY_ENV);
        String secret = env.get(SECRET_KEY_ENV);
        if (key == null || key.isBlank() || secret == null || secret.isBlank()) {
            throw new ParameterResolutionException(ENDPOINT_ENV + " is set to " + endpoint + " but " + ACCESS_KEY_ENV
                    + " or " + SECRET_KEY_ENV + " is not: set both to the endpoint's credentials");
        }
        String region = env.get(REGION_ENV);
        return new ExistingS3(endpoint.trim(), region == null || region.isBlank() ? "us-east-1" : region.trim(), key,
                secret);
    }

    /** A MinIO container, stopped with the endpoint (at the end of the test run). */
    private static S3Endpoint minio() {
        String user = "geniusrise";
        String password = "geniusrise-secret";
        ContainerServer container = ContainerServer.start(MINIO_IMAGE, 9000,
                Map.of("MINIO_ROOT_USER", user, "MINIO_ROOT_PASSWORD", password), new String[] {"server", "/data"},
                null, 1);
        return new ExistingS3("http://" + container.host() + ":" + container.port(), "us-east-1", user, password,
                container);
    }
}
