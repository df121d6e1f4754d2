package ai.geniusrise.state.redis;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.testkit.StateManagerContract;
import ai.geniusrise.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

/** The state manager contract on a real Redis, each test under its own key prefix. */
class RedisStateManagerContractTest extends StateManagerContract {

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected StateManager createManager() {
        return StateManager.open(new StateConfig("redis", Map.of("url", REDIS.url(),
                "keyPrefix", "contract:" + UUID.randomUUID() + ":")));
    }
}
