package ai.geniusrise.core.runtime;

import ai.geniusrise.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class LogicalTimeTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void theEnvironmentNamesTheLogicalTimeWithAnyOffset() {
        assertThat(TaskRunner.logicalTimeFromEnvironment(Map.of("GENIUSRISE_LOGICAL_TIME", "2024-05-01T10:00:00Z"),
                NOW)).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(TaskRunner.logicalTimeFromEnvironment(Map.of("GENIUSRISE_LOGICAL_TIME", " 2024-05-01T12:00+02:00 "),
                NOW)).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void withoutTheVariableTheFallbackApplies() {
        assertThat(TaskRunner.logicalTimeFromEnvironment(Map.of(), NOW)).isEqualTo(NOW);
        assertThat(TaskRunner.logicalTimeFromEnvironment(Map.of("GENIUSRISE_LOGICAL_TIME", " "), NOW)).isEqualTo(NOW);
    }

    @Test
    void aValueThatIsNoTimeIsAConfigurationErrorNamingTheVariable() {
        assertThatThrownBy(() -> TaskRunner.logicalTimeFromEnvironment(
                Map.of("GENIUSRISE_LOGICAL_TIME", "2024-05-01"), NOW))
                .isInstanceOf(ConfigException.class)
                .hasMessage("GENIUSRISE_LOGICAL_TIME: expected an ISO-8601 time such as 2024-05-01T10:00:00Z, got "
                        + "'2024-05-01'");
    }
}
