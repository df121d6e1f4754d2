package ai.geniusrise.core.state;

import ai.geniusrise.testkit.ManualClock;
import ai.geniusrise.testkit.StateManagerContract;

import java.time.Duration;

/** The state manager contract over {@link InMemoryStateManager} on a manual clock. */
class InMemoryStateManagerContractTest extends StateManagerContract {

    private final ManualClock clock = new ManualClock();

    @Override
    protected StateManager createManager() {
        return new InMemoryStateManager(clock);
    }

    @Override
    protected boolean supportsManualTime() {
        return true;
    }

    @Override
    protected void advanceTime(Duration amount) {
        clock.advance(amount);
    }
}
