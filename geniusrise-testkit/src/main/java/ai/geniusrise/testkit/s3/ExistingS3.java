package ai.geniusrise.testkit.s3;

import software.amazon.awssdk.services.s3.S3Client;

import java.util.Locale;
import java.util.UUID;

/**
 * An S3-compatible endpoint run by someone else (named by environment variables), or by a
 * container the extension started and stops on {@link #close()}. Thread-safe.
 */
final class ExistingS3 implements S3Endpoint, AutoCloseable {

    private final String endpoint;
    private final String region;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final S3Client client;
    private final AutoCloseable owner;

    ExistingS3(String endpoint, String region, String accessKeyId, String secretAccessKey) {
        this(endpoint, region, accessKeyId, secretAccessKey, null);
    }

    /** @param owner what runs the endpoint, closed after the client; {@code null} when someone else runs it */
    ExistingS3(String endpoint, String region, String accessKeyId, String secretAccessKey, AutoCloseable owner) {
        this.owner = owner;
        this.endpoint = endpoint;
        this.region = region;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.client = S3Clients.pathStyle(endpoint, region, accessKeyId, secretAccessKey);
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public String region() {
        return region;
    }

    @Override
    public String accessKeyId() {
        return accessKeyId;
    }

    @Override
    public String secretAccessKey() {
        return secretAccessKey;
    }

    @Override
    public S3Client client() {
        return client;
    }

    /** Bucket names carry a random suffix: the endpoint may be shared with other runs. */
    @Override
    public String createBucket(String prefix) {
        String name = (prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-") + "-"
                + UUID.randomUUID().toString().substring(0, 12)).replaceAll("^-+", "");
        client.createBucket(r -> r.bucket(name));
        return name;
    }

    @Override
    public void close() {
        client.close();
        if (owner != null) {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the S3 container at " + endpoint + ": " + e, e);
            }
        }
    }

    @Override
    public String toString() {
        return "ExistingS3{" + endpoint + "}";
    }
}
