package ai.geniusrise.state.postgres;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateException;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.state.RestartDrill;
import ai.geniusrise.testkit.postgres.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a PostgreSQL state manager does when its server goes away mid-run and comes back. */
@Timeout(90)
class PostgresStateManagerRecoveryTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.embedded();

    @Test
    void everyWriteReportedDoneSurvivesAServerRestartAndTheSameManagerRecovers() throws Exception {
        // retries span about 10 s: longer than the outage below (a restart takes 1-3 s here)
        try (StateManager state = StateManager.open(new StateConfig("postgres", POSTGRES.properties(
                "table", "recovery", "timeout", "1s", "maxAttempts", "40",
                "initialBackoff", "20ms", "maxBackoff", "250ms", "poolSize", "4")))) {
            RestartDrill.run(state, POSTGRES::stop, POSTGRES::start, 100, Duration.ofMillis(500), Duration.ofMillis(400));
        }
    }

    @Test
    void aWriteThatOutlastsTheRetriesFailsAndTheSameManagerWorksOnceTheServerIsBack() {
        try (StateManager state = StateManager.open(new StateConfig("postgres", POSTGRES.properties("table", "outlast", "timeout", "250ms", "maxAttempts", "3",
                "initialBackoff", "10ms", "maxBackoff", "20ms")))) {
            state.putString("before", "1");
            POSTGRES.stop();
            try {
                assertThatThrownBy(() -> state.putString("during", "2")).isInstanceOf(StateException.class)
                        .hasMessageContaining("put 'during' (after 3 attempts)");
            } finally {
                POSTGRES.start();
            }
            assertThat(state.putString("after", "3")).isPositive();
            assertThat(state.getString("before")).contains("1");
            assertThat(state.getString("after")).contains("3");
        }
    }

    @Test
    void failsWithAnErrorNamingTheStoreAndTheOperationWhenTheServerStaysDown() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (StateManager state = StateManager.open(new StateConfig("postgres", Map.of(
                "url", "jdbc:postgresql://127.0.0.1:" + port + "/app", "timeout", "250ms", "maxAttempts", "2",
                "initialBackoff", "10ms", "maxBackoff", "20ms")))) {
            assertThatThrownBy(() -> state.put("x", "v".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining("postgresql://127.0.0.1:" + port + "/app")
                    .hasMessageContaining("put 'x'")
                    .hasMessageContaining("after 2 attempts");
        }
    }

}
