package ai.geniusrise.testkit.dynamodb;

import ai.geniusrise.testkit.EmbeddedServer;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
public final class EmbeddedDynamoDB extends EmbeddedServer {

    /** The region clients of DynamoDB Local give; any region works. */
    public static final String REGION = "us-east-1";

    private final Path dbDir;
    private final boolean deleteOnClose;
    private DynamoDBProxyServer server;

    private EmbeddedDynamoDB(Builder b) {
        super(b.port);
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
    @Override
    public EmbeddedDynamoDB start() {
        if (server != null) {
            return this;
        }
        List<String> args = new ArrayList<>(List.of("-sharedDb", "-disableTelemetry", "-port", Integer.toString(port())));
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
            throw new IllegalStateException("DynamoDB Local did not start on port " + port() + ": " + e, e);
        }
        return this;
    }

    /** Stops DynamoDB Local; unless in memory, its tables stay for the next {@link #start()}. */
    @Override
    public void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local on port " + port() + " did not stop: " + e, e);
            } finally {
                server = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** {@code http://127.0.0.1:<port>}, for the SDK's {@code endpointOverride}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    protected Path temporaryFolder() {
        return deleteOnClose ? dbDir : null;
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
