package ai.geniusrise.testkit.s3;

import ai.geniusrise.core.spi.BatchStorage;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Map;

/**
 * An S3-compatible endpoint a test can use: where it is, the credentials it accepts, a client,
 * and the {@code options} a Geniusrise batch config needs to reach it. Implementations are
 * thread-safe.
 */
public interface S3Endpoint {

    /** The endpoint's URL, such as {@code http://127.0.0.1:41234}. */
    String endpoint();

    /** The region to sign requests for. */
    String region();

    /** The access key id it accepts. */
    String accessKeyId();

    /** The secret access key it accepts. */
    String secretAccessKey();

    /**
     * The options of a batch config (or the {@code defaults.s3} of a pipeline file) that reach
     * this endpoint (its URL, region and credentials, path-style), as the S3 adapter on the
     * classpath writes them ({@link BatchStorage#optionsAt}).
     *
     * @throws IllegalStateException if no storage of {@code s3://} locations (geniusrise-io) is on the classpath
     */
    default Map<String, String> options() {
        return BatchStorage.find("s3")
                .flatMap(s -> s.optionsAt(endpoint(), region(), accessKeyId(), secretAccessKey()))
                .orElseThrow(() -> new IllegalStateException("no storage of s3:// locations on the classpath: "
                        + "add ai.geniusrise:geniusrise-io (test scope) to use S3Endpoint.options()"));
    }

    /** A client of this endpoint (path-style, static credentials), owned by the endpoint: do not close it. */
    S3Client client();

    /**
     * Creates a bucket whose name starts with {@code prefix} and is unique in this endpoint,
     * and returns its name.
     */
    String createBucket(String prefix);
}
