package ai.geniusrise.state.redis;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.state.KilledCheckpointWriter;
import ai.geniusrise.testkit.redis.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Checkpoints a batch task reported done survive the task's process being killed (SIGKILL). */
@Timeout(60)
class RedisCheckpointSurvivesProcessKillTest {

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Test
    void everyCheckpointAKilledProcessReportedDoneIsStored() throws Exception {
        StateConfig config = new StateConfig("redis", Map.of("url", REDIS.url(), "keyPrefix", "killed:"));
        assertThat(KilledCheckpointWriter.killAndCheck(config, 200)).isGreaterThanOrEqualTo(200);
    }
}
