package ai.geniusrise.state.dynamodb;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.testkit.StateManagerContract;
import ai.geniusrise.testkit.dynamodb.DynamoDBExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

/**
 * The state manager contract on DynamoDB Local, each test on a table of its own, created on
 * first use. Large values are 300 KB: a DynamoDB item holds at most 400 KB
 * ({@link DynamoDBStateManagerTest} checks what happens beyond).
 */
class DynamoDBStateManagerContractTest extends StateManagerContract {

    @RegisterExtension
    static final DynamoDBExtension DYNAMODB = new DynamoDBExtension();

    @Override
    protected StateManager createManager() {
        return StateManager.open(new StateConfig("dynamodb", DYNAMODB.properties(
                "table", "contract-" + UUID.randomUUID(), "createTable", "true")));
    }

    @Override
    protected int largeValueSize() {
        return 300 * 1024;
    }
}
