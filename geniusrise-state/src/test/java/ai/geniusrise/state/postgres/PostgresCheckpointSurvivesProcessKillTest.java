package ai.geniusrise.state.postgres;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.state.KilledCheckpointWriter;
import ai.geniusrise.testkit.postgres.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Checkpoints a batch task reported done survive the task's process being killed (SIGKILL). */
@Timeout(60)
class PostgresCheckpointSurvivesProcessKillTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void everyCheckpointAKilledProcessReportedDoneIsStored() throws Exception {
        StateConfig config = new StateConfig("postgres", POSTGRES.properties("table", "killed"));
        assertThat(KilledCheckpointWriter.killAndCheck(config, 200)).isGreaterThanOrEqualTo(200);
    }
}
