package ai.geniusrise.state.dynamodb;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.testkit.dynamodb.DynamoDBExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A DynamoDB state manager whose endpoint comes up only after it is in use. */
@Timeout(60)
class DynamoDBStateManagerRecoveryTest {

    @RegisterExtension
    static final DynamoDBExtension DYNAMODB = DynamoDBExtension.notStarted();

    @Test
    void aWriteIssuedWhileTheEndpointIsDownSucceedsOnceItComesUpWithinTheRetries() throws Exception {
        try (StateManager state = StateManager.open(new StateConfig("dynamodb", DYNAMODB.properties(
                "table", "recovery", "createTable", "true", "timeout", "1s", "maxAttempts", "60",
                "initialBackoff", "20ms", "maxBackoff", "200ms")))) {
            CompletableFuture<Long> write = CompletableFuture.supplyAsync(() -> state.putString("cursor", "42"));
            Thread.sleep(500);
            assertThat(write).as("still retrying while the endpoint is down").isNotDone();
            DYNAMODB.start();
            long version = write.get(30, TimeUnit.SECONDS);
            assertThat(state.get("cursor")).hasValueSatisfying(v -> {
                assertThat(v.asString()).isEqualTo("42");
                assertThat(v.version()).isEqualTo(version);
            });
        }
    }
}
