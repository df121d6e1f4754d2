package ai.geniusrise.testkit.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * DynamoDB Local ({@code com.amazonaws:DynamoDBLocal}) inside this JVM, serving the DynamoDB API on
 * {@code http://127.0.0.1:<port>}. Starts in about a second. By default its tables live in a
 * SQLite file in a temporary folder, so they survive {@link #stop()} and {@link #start()} (which
 * keeps the port); {@link Builder#inMemory()} is faster and forgets everything on stop. DynamoDB
 * Local accepts any credentials and region: clients use {@link #REGION} and, for example, static
 * credentials {@code test}/{@code test}.
 *
 * <pre>{@code
 * try (EmbeddedDynamoDB dynamo = EmbeddedDynamoDB.builder().build().start()) {
 *     DynamoDbClient client = DynamoDbClient.builder().endpointOverride(URI.create(dynamo.endpoint()))
 *             .region(Region.of(EmbeddedDynamoDB.REGION))
 *             .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
 *             .build();
 * }
 * }</pre>
 *
 * DynamoDB Local loads SQLite through sqlite4java, which finds its native library in the folder the
 * system property {@code sqlite4java.library.path} names, or, when that is not set, among the
 * natives DynamoDB Local bundles. It leaves a non-daemon thread behind after {@link #stop()}: a
 * program (not a test runner) that used it must end with {@code System.exit}. Usable outside JUnit;
 * in tests, {@link DynamoDBExtension} manages one. Not thread-safe: start and stop it from one thread.
 */
public final class EmbeddedDynamoDB implements AutoCloseable {

    /** The region clients of DynamoDB Local give; any region works. */
    public static final String REGION = "us-east-1";

    private final Path dbDir;
    private final boolean deleteOnClose;
    private final int port;
    private DynamoDBProxyServer server;

    private EmbeddedDynamoDB(Builder b) {
        if (b.inMemory) {
            this.dbDir = null;
        } else {
            try {
                this.dbDir = b.dbDir != null ? Files.createDirectories(b.dbDir.toAbsolutePath())
                        : Files.createTempDirectory("geniusrise-dynamodb-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the DynamoDB Local folder", e);
            }
        }
        this.deleteOnClose = !b.inMemory && b.dbDir == null;
        this.port = b.port > 0 ? b.port : freePort();
    }

    /** A builder; by default a free port and tables in a temporary folder (deleted on close). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts DynamoDB Local; does nothing if it runs.
     *
     * @return this
     */
    public EmbeddedDynamoDB start() {
        if (server != null) {
            return this;
        }
        List<String> args = new ArrayList<>(List.of("-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)));
        if (dbDir == null) {
            args.add("-inMemory");
        } else {
            args.addAll(List.of("-dbPath", dbDir.toString()));
        }
        try {
            DynamoDBProxyServer s = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
            s.start();
            server = s;
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port + ": " + e, e);
        }
        return this;
    }

    /** Stops DynamoDB Local; unless in memory, its tables stay for the next {@link #start()}. */
    public void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local on port " + port + " did not stop: " + e, e);
            } finally {
                server = null;
            }
        }
    }

    /** True between {@link #start()} and {@link #stop()}. */
    public boolean isRunning() {
        return server != null;
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, for the SDK's {@code endpointOverride}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Stops DynamoDB Local and deletes its tables if their folder was a temporary one.
     *
     * @throws UncheckedIOException if the temporary folder cannot be deleted
     */
    @Override
    public void close() {
        stop();
        if (deleteOnClose) {
            try (Stream<Path> files = Files.walk(dbDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + dbDir, e);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Builds an {@link EmbeddedDynamoDB}. */
    public static final class Builder {
        private Path dbDir;
        private boolean inMemory;
        private int port;

        private Builder() {
        }

        /** Keep the tables in this folder (kept on close); default a temporary folder (deleted on close). */
        public Builder dbDir(Path value) {
            this.dbDir = value;
            this.inMemory = false;
            return this;
        }

        /** Keep the tables in memory: faster, and gone on {@link #stop()}. */
        public Builder inMemory() {
            this.inMemory = true;
            this.dbDir = null;
            return this;
        }

        /** Listen on this port; default a free one. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** DynamoDB Local, not started. */
        public EmbeddedDynamoDB build() {
            return new EmbeddedDynamoDB(this);
        }
    }
}
