package ai.geniusrise.io.s3;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.io.format.RecordCodec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * The S3 client settings of a batch config, declared in {@link #DEFINITION} and read from its
 * {@code options} (with the {@linkplain RecordCodec#OPTIONS format options}). Immutable; equal
 * settings share one client.
 */
record S3Settings(String endpoint, String region, boolean pathStyle, String accessKeyId, String secretAccessKey,
                  int partSizeBytes, int maxAttempts, Duration connectTimeout, Duration requestTimeout) {

    static final Setting<URI> ENDPOINT = Setting.location("endpoint", Set.of("http", "https"),
            "an endpoint URL http(s)://host[:port], such as http://localhost:9000",
            "An S3-compatible store's URL (MinIO, S3Proxy, Ceph, R2); path-style access and \"when required\" "
                    + "checksums then apply by default.");
    static final Setting<String> REGION = Setting.string("region", "AWS region.")
            .withDefaultDescribed("the SDK's region chain; us-east-1 with an endpoint");
    static final Setting<Boolean> PATH_STYLE = Setting.bool("pathStyle", "Path-style requests (host/bucket/key).")
            .withDefaultDescribed("true with an endpoint, else false");
    static final Setting<String> ACCESS_KEY_ID = Setting.string("accessKeyId",
            "Static credentials, with secretAccessKey (both or neither); for local stores. Prefer the default chain.")
            .withDefaultDescribed("the SDK's default credentials chain");
    static final Setting<String> SECRET_ACCESS_KEY = Setting.string("secretAccessKey",
            "The secret of accessKeyId; write it as ${VARIABLE}, never inline.")
            .withDefaultDescribed("the SDK's default credentials chain");
    static final Setting<Integer> PART_SIZE_MB = Setting.integer("partSizeMb", 5, 512,
            "Multipart part size in MiB (S3 parts are at least 5 MiB).").withDefault(8);
    static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("maxAttempts", 1, 20,
            "Attempts per request, the first included.").withDefault(3);
    static final Setting<Integer> CONNECT_TIMEOUT_SECONDS = Setting.integer("connectTimeoutSeconds", 1, 600,
            "Connect timeout in seconds.").withDefault(5);
    static final Setting<Integer> REQUEST_TIMEOUT_SECONDS = Setting.integer("requestTimeoutSeconds", 1, 3600,
            "Timeout of one attempt of a request, in seconds.").withDefault(60);

    /** Every option of an {@code s3://} location: the client's and the formats'. */
    static final SettingsDef DEFINITION = SettingsDef.of("the options of an s3:// location", ENDPOINT, REGION,
                    PATH_STYLE, ACCESS_KEY_ID, SECRET_ACCESS_KEY, PART_SIZE_MB, MAX_ATTEMPTS, CONNECT_TIMEOUT_SECONDS,
                    REQUEST_TIMEOUT_SECONDS)
            .plus(RecordCodec.OPTIONS)
            .withRule(s -> {
                if (s.isSet(ACCESS_KEY_ID) != s.isSet(SECRET_ACCESS_KEY)) {
                    Setting<String> missing = s.isSet(ACCESS_KEY_ID) ? SECRET_ACCESS_KEY : ACCESS_KEY_ID;
                    Setting<String> given = s.isSet(ACCESS_KEY_ID) ? ACCESS_KEY_ID : SECRET_ACCESS_KEY;
                    throw s.error(missing, "is required with options." + given.name()
                            + "; give both, or neither to use the default credentials chain");
                }
            });

    /** The client settings in {@code settings}, read by {@link #DEFINITION}. */
    static S3Settings from(Settings settings) {
        URI endpoint = settings.get(ENDPOINT);
        boolean pathStyle = settings.isSet(PATH_STYLE) ? settings.get(PATH_STYLE) : endpoint != null;
        return new S3Settings(endpoint == null ? null : endpoint.toString(), settings.get(REGION), pathStyle,
                settings.get(ACCESS_KEY_ID), settings.get(SECRET_ACCESS_KEY), settings.get(PART_SIZE_MB) << 20,
                settings.get(MAX_ATTEMPTS), Duration.ofSeconds(settings.get(CONNECT_TIMEOUT_SECONDS)),
                Duration.ofSeconds(settings.get(REQUEST_TIMEOUT_SECONDS)));
    }

    /**
     * A client for these settings: url-connection HTTP client, the given or default region and
     * credentials, bounded timeouts and attempts; with an endpoint, checksums only when required
     * and request bodies sent plain (not aws-chunked).
     *
     * @throws ConfigException if no region is given and the default region chain finds none
     */
    S3Client newClient() {
        Region resolved;
        if (region != null) {
            resolved = Region.of(region);
        } else {
            try {
                resolved = DefaultAwsRegionProviderChain.builder().build().getRegion();
            } catch (SdkClientException e) {
                if (endpoint == null) {
                    throw new ConfigException("options." + REGION.name(), "no AWS region is configured: set it here (or "
                            + "defaults.s3.region), or AWS_REGION, or a profile's region", e);
                }
                // S3-compatible stores mostly ignore the region; it is still part of the signature
                resolved = Region.US_EAST_1;
            }
        }
        AwsCredentialsProvider credentials = accessKeyId != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey))
                : DefaultCredentialsProvider.builder().build();
        var builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(connectTimeout)
                        .socketTimeout(requestTimeout))
                .region(resolved)
                .credentialsProvider(credentials)
                .forcePathStyle(pathStyle)
                .overrideConfiguration(c -> c
                        .apiCallAttemptTimeout(requestTimeout)
                        .apiCallTimeout(requestTimeout.multipliedBy(maxAttempts).plus(Duration.ofSeconds(maxAttempts)))
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(maxAttempts).build()));
        if (endpoint != null) {
            // S3-compatible stores differ in their support of the SDK's default flexible checksums
            // and of aws-chunked bodies: S3Proxy answers a chunked PUT of zero bytes before reading
            // its 86-byte final chunk, and Jetty then drops the connection under the client still
            // writing it ("Error writing request body to server", every attempt). Plain bodies
            // with a Content-Length (signed, on http) avoid that; see docs/design.md.
            builder.endpointOverride(URI.create(endpoint))
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build());
        }
        return builder.build();
    }

    /** Where requests go, for messages: the endpoint, or AWS S3 in the region. */
    String describeEndpoint() {
        return endpoint != null ? endpoint : "AWS S3" + (region != null ? " (" + region + ")" : "");
    }

    /** Without the secret. */
    @Override
    public String toString() {
        return "S3Settings{endpoint=" + describeEndpoint() + ", pathStyle=" + pathStyle + ", accessKeyId="
                + (accessKeyId == null ? "(default chain)" : accessKeyId) + ", partSize=" + (partSizeBytes >> 20)
                + " MiB, maxAttempts=" + maxAttempts + "}";
    }
}
