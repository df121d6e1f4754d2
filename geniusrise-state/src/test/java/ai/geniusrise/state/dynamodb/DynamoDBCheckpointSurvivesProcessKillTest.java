package ai.geniusrise.state.dynamodb;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.state.KilledCheckpointWriter;
import ai.geniusrise.testkit.dynamodb.DynamoDBExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Checkpoints a batch task reported done survive the task's process being killed (SIGKILL). */
@Timeout(60)
class DynamoDBCheckpointSurvivesProcessKillTest {

    @RegisterExtension
    static final DynamoDBExtension DYNAMODB = new DynamoDBExtension();

    @Test
    void everyCheckpointAKilledProcessReportedDoneIsStored() throws Exception {
        StateConfig config = new StateConfig("dynamodb", DYNAMODB.properties("table", "killed", "createTable", "true"));
        assertThat(KilledCheckpointWriter.killAndCheck(config, 100)).isGreaterThanOrEqualTo(100);
    }
}
