package ai.geniusrise.testkit.s3;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An S3-compatible store (S3Proxy, from the Maven artifacts on the classpath) running inside
 * this JVM on {@code 127.0.0.1}, keeping objects in memory or, with
 * {@link Builder#dataDir(Path)}, in a folder. Starts in about a second; accepts AWS signatures V2
 * and V4 for one access key; multipart uploads work. Other JVMs (a child process under test) can
 * use it for as long as this one keeps it running.
 *
 * <pre>{@code
 * try (EmbeddedS3 s3 = EmbeddedS3.builder().build().start()) {
 *     String bucket = s3.createBucket("in");
 *     Map<String, String> options = s3.options(); // for BatchInputConfig/BatchOutputConfig
 * }
 * }</pre>
 *
 * {@link #start()} and {@link #close()} from one thread; the rest is thread-safe.
 */
public final class EmbeddedS3 implements S3Endpoint, AutoCloseable {

    /** The largest body one request may carry, as on AWS S3 (5 GiB for a PUT or a part). */
    private static final long MAX_PLAIN_REQUEST_BYTES = 5L << 30;

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final Path dataDir;
    private final int requestedPort;
    private final String accessKeyId;
    private final String secretAccessKey;
    private S3Proxy proxy;
    private String endpoint;
    private volatile S3Client client;

    private EmbeddedS3(Builder b) {
        this.dataDir = b.dataDir;
        this.requestedPort = b.port;
        this.accessKeyId = b.accessKeyId;
        this.secretAccessKey = b.secretAccessKey;
    }

    /** A builder; by default objects in memory, a free port, access key {@code geniusrise}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the store and waits until it serves.
     *
     * @return this
     * @throws IllegalStateException if it is running already or cannot start
     */
    public EmbeddedS3 start() {
        if (proxy != null) {
            throw new IllegalStateException("embedded S3 is already running at " + endpoint);
        }
        try {
            S3Proxy p = S3Proxy.builder()
                    .blobStore(dataDir == null ? new TransientNio2BlobStore()
                            : new FilesystemNio2BlobStore(Files.createDirectories(dataDir).toAbsolutePath().toString()))
                    .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKeyId, secretAccessKey)
                    // S3's own single-request limit: S3Proxy's default (128 MiB) refuses bigger plain
                    // (not aws-chunked) bodies, which our clients send to custom endpoints
                    .v4MaxNonChunkedRequestSize(MAX_PLAIN_REQUEST_BYTES)
                    .build();
            p.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(p.getState())) {
                if (System.nanoTime() > deadline) {
                    p.stop();
                    throw new IllegalStateException("embedded S3 did not start within 10 s (state " + p.getState() + ")");
                }
                Thread.sleep(10);
            }
            proxy = p;
            endpoint = "http://127.0.0.1:" + p.getPort();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded S3 data folder " + dataDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting embedded S3", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("embedded S3 did not start: " + e.getMessage(), e);
        }
    }

    @Override
    public String endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("embedded S3 is not started");
        }
        return endpoint;
    }

    @Override
    public String region() {
        return "us-east-1";
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
        S3Client c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = S3Clients.pathStyle(endpoint(), region(), accessKeyId, secretAccessKey);
                    client = c;
                }
            }
        }
        return c;
    }

    @Override
    public String createBucket(String prefix) {
        String name = (prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-") + "-" + BUCKETS.incrementAndGet())
                .replaceAll("^-+", "");
        client().createBucket(r -> r.bucket(name));
        return name;
    }

    /** Stops the store; objects kept in memory are gone, a data folder stays. Idempotent. */
    @Override
    public void close() {
        S3Client c = client;
        client = null;
        if (c != null) {
            c.close();
        }
        S3Proxy p = proxy;
        proxy = null;
        if (p != null) {
            try {
                p.stop();
            } catch (Exception e) {
                throw new IllegalStateException("embedded S3 at " + endpoint + " did not stop cleanly", e);
            }
        }
    }

    /**
     * Runs a store in its own process, for benchmarks and local runs: arguments
     * {@code [--data-dir DIR] [--port N] [--credentials KEY SECRET]}. Prints one line
     * {@code endpoint <url>} when it serves, and stops when its standard input ends.
     */
    public static void main(String[] args) throws java.io.IOException {
        Builder b = builder();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> b.dataDir(Path.of(args[++i]));
                case "--port" -> b.port(Integer.parseInt(args[++i]));
                case "--credentials" -> b.credentials(args[++i], args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; expected [--data-dir DIR] [--port N] [--credentials KEY SECRET]");
            }
        }
        try (EmbeddedS3 s3 = b.build().start()) {
            System.out.println("endpoint " + s3.endpoint());
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the parent closes our standard input
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedS3{" + (endpoint == null ? "not started" : endpoint) + (dataDir == null ? ", in memory"
                : ", " + dataDir) + "}";
    }

    /** Settings of an {@link EmbeddedS3}; not thread-safe. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private String accessKeyId = "geniusrise";
        private String secretAccessKey = "geniusrise-secret";

        private Builder() {
        }

        /** Keep objects under {@code folder} (created if absent) instead of in memory. */
        public Builder dataDir(Path folder) {
            this.dataDir = folder;
            return this;
        }

        /** Listen on {@code port}; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The one pair of credentials the store accepts. */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
                throw new IllegalArgumentException("access key id and secret must not be empty");
            }
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            return this;
        }

        /** The store, not started. */
        public EmbeddedS3 build() {
            return new EmbeddedS3(this);
        }
    }
}
