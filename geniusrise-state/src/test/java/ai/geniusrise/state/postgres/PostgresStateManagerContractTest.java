package ai.geniusrise.state.postgres;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.testkit.StateManagerContract;
import ai.geniusrise.testkit.postgres.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicInteger;

/** The state manager contract on a real PostgreSQL, each test on a table of its own, created on first use. */
class PostgresStateManagerContractTest extends StateManagerContract {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final AtomicInteger TABLES = new AtomicInteger();

    @Override
    protected StateManager createManager() {
        return StateManager.open(new StateConfig("postgres", POSTGRES.properties("schema", "contract",
                "table", "state_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet(), "poolSize", "8")));
    }
}
