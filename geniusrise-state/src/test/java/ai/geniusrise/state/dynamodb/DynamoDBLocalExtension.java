package ai.geniusrise.state.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * A DynamoDB endpoint for one test class: the one {@code GENIUSRISE_TEST_DYNAMODB_ENDPOINT}
 * names, or DynamoDB Local (in memory) in this JVM on a free port, stopped after the class.
 * DynamoDB Local leaves a non-daemon thread behind after {@code stop()}; Surefire's forked JVM
 * exits regardless. Belongs in the test kit once that grows server extensions.
 */
final class DynamoDBLocalExtension implements BeforeAllCallback, AfterAllCallback {

    private final boolean startNow;
    private DynamoDBProxyServer server;
    private int port;
    private String endpoint;

    DynamoDBLocalExtension() {
        this(true);
    }

    private DynamoDBLocalExtension(boolean startNow) {
        this.startNow = startNow;
    }

    /** An embedded endpoint with a port chosen but not started: a test starts it with {@link #start()}. */
    static DynamoDBLocalExtension notStarted() {
        return new DynamoDBLocalExtension(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String external = System.getenv("GENIUSRISE_TEST_DYNAMODB_ENDPOINT");
        if (startNow && external != null && !external.isBlank()) {
            endpoint = external;
            return;
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        endpoint = "http://127.0.0.1:" + port;
        if (startNow) {
            start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** Starts DynamoDB Local on the chosen port. */
    void start() {
        try {
            server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
        }
    }

    /** {@code http://host:port} of the endpoint. */
    String endpoint() {
        return endpoint;
    }

    /** State config properties reaching this endpoint, plus {@code extra} (name, value, ...). */
    Map<String, String> properties(String... extra) {
        Map<String, String> p = new HashMap<>();
        p.put("endpoint", endpoint);
        p.put("region", "us-east-1");
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return p;
    }
}
