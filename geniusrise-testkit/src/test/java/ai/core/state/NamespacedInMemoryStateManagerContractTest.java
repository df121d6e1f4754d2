package ai.geniusrise.core.state;

import ai.geniusrise.testkit.StateManagerContract;

import java.time.Duration;
import java.util.UUID;

/**
 * The state manager contract over a namespaced view of one shared {@link InMemoryStateManager}
 * on real time: how durable backends run it, a unique namespace per test and real expiry.
 */
class NamespacedInMemoryStateManagerContractTest extends StateManagerContract {

    private static final StateManager SHARED = new InMemoryStateManager();

    @Override
    protected StateManager createManager() {
        SHARED.putString("neighbour/k", "another test's key");
        return SHARED.namespaced("contract-" + UUID.randomUUID() + "/");
    }

    @Override
    protected Duration shortTtl() {
        return Duration.ofMillis(300);
    }
}
