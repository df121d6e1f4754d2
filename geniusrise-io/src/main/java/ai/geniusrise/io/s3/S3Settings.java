package ai.geniusrise.io.s3;

import ai.geniusrise.core.ConfigException;
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
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The S3 client settings of a batch config, read from its {@code options} (see
 * {@link S3BatchStorage} for the keys). Immutable; equal settings share one client.
 */
record S3Settings(String endpoint, String region, boolean pathStyle, String accessKeyId, String secretAccessKey,
                  int partSizeBytes, int maxAttempts, Duration connectTimeout, Duration requestTimeout) {

    static final String ENDPOINT = "endpoint";
    static final String REGION = "region";
    static final String PATH_STYLE = "pathStyle";
    static final String ACCESS_KEY_ID = "accessKeyId";
    static final String SECRET_ACCESS_KEY = "secretAccessKey";
    static final String PART_SIZE_MB = "partSizeMb";
    static final String MAX_ATTEMPTS = "maxAttempts";
    static final String CONNECT_TIMEOUT_SECONDS = "connectTimeoutSeconds";
    static final String REQUEST_TIMEOUT_SECONDS = "requestTimeoutSeconds";

    /** Every option this adapter reads, besides the format's ({@code maxLineBytes}, {@code maxObjectBytes}). */
    static final List<String> KEYS = List.of(ENDPOINT, REGION, PATH_STYLE, ACCESS_KEY_ID, SECRET_ACCESS_KEY,
            PART_SIZE_MB, MAX_ATTEMPTS, CONNECT_TIMEOUT_SECONDS, REQUEST_TIMEOUT_SECONDS);

    static final int DEFAULT_PART_SIZE_MB = 8;
    static final int DEFAULT_MAX_ATTEMPTS = 3;
    static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
    static final int DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;

    /**
     * The settings in {@code options}.
     *
     * @throws ConfigException naming {@code options.<key>} for a value that is not valid
     */
    static S3Settings from(Map<String, String> options) {
        String endpoint = blankToNull(options.get(ENDPOINT));
        if (endpoint != null) {
            try {
                URI uri = new URI(endpoint);
                if (uri.getScheme() == null || uri.getHost() == null
                        || !Set.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
                    throw new ConfigException("options." + ENDPOINT, "'" + endpoint
                            + "' is not an endpoint URL; expected http(s)://host[:port], such as http://localhost:9000");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException("options." + ENDPOINT, "'" + endpoint + "' is not a URL: " + e.getReason(), e);
            }
        }
        String region = blankToNull(options.get(REGION));
        String pathStyleText = blankToNull(options.get(PATH_STYLE));
        boolean pathStyle;
        if (pathStyleText == null) {
            pathStyle = endpoint != null;
        } else if (pathStyleText.equalsIgnoreCase("true") || pathStyleText.equalsIgnoreCase("false")) {
            pathStyle = Boolean.parseBoolean(pathStyleText);
        } else {
            throw new ConfigException("options." + PATH_STYLE, "must be true or false, got '" + pathStyleText + "'");
        }
        String keyId = blankToNull(options.get(ACCESS_KEY_ID));
        String secret = blankToNull(options.get(SECRET_ACCESS_KEY));
        if ((keyId == null) != (secret == null)) {
            throw new ConfigException("options." + (keyId == null ? ACCESS_KEY_ID : SECRET_ACCESS_KEY),
                    "is required with options." + (keyId == null ? SECRET_ACCESS_KEY : ACCESS_KEY_ID)
                            + "; give both, or neither to use the default credentials chain");
        }
        int partSizeMb = intOption(options, PART_SIZE_MB, DEFAULT_PART_SIZE_MB, 5, 512,
                "S3 multipart parts are at least 5 MiB");
        int maxAttempts = intOption(options, MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS, 1, 20, "attempts per request");
        int connect = intOption(options, CONNECT_TIMEOUT_SECONDS, DEFAULT_CONNECT_TIMEOUT_SECONDS, 1, 600, "seconds");
        int request = intOption(options, REQUEST_TIMEOUT_SECONDS, DEFAULT_REQUEST_TIMEOUT_SECONDS, 1, 3600, "seconds");
        return new S3Settings(endpoint, region, pathStyle, keyId, secret, partSizeMb << 20, maxAttempts,
                Duration.ofSeconds(connect), Duration.ofSeconds(request));
    }

    /** The option keys of {@code options} that neither this adapter nor the format layer reads. */
    static Set<String> unknownKeys(Map<String, String> options) {
        Set<String> unknown = new LinkedHashSet<>(options.keySet());
        KEYS.forEach(unknown::remove);
        unknown.remove("maxLineBytes");
        unknown.remove("maxObjectBytes");
        return unknown;
    }

    private static int intOption(Map<String, String> options, String key, int dflt, int min, int max, String what) {
        String raw = blankToNull(options.get(key));
        if (raw == null) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("options." + key, "must be a whole number between " + min + " and " + max + " ("
                + what + "), got '" + raw + "'");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
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
                    throw new ConfigException("options." + REGION, "no AWS region is configured: set it here (or "
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
