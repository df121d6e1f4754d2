package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The variables a task's {@code env:} sets count as set for that task's own placeholders. */
class TaskEnvPlaceholdersTest {

    private static final Path ORIGIN = Path.of("/pipelines/test/pipeline.yaml");

    private static final String PIPELINE = """
            name: events
            defaults:
              env: {REGION: eu-west-1}
            tasks:
              - name: fetch
                type: spout
                env: {EVENTS_URL: "https://example.com/events"}
                config:
                  inputConfig: {type: batch, source: "${EVENTS_URL}?region=${REGION}"}
                  outputConfig: {type: batch, destination: "s3://lake/${REGION}/raw"}
            """;

    @Test
    void aVariableTheTasksEnvSetsIsSetForItsValuesWhateverTheEnvironmentHolds() {
        Pipeline unset = Pipeline.parse(PIPELINE, ORIGIN, Map.of());
        Pipeline set = Pipeline.parse(PIPELINE, ORIGIN, Map.of("EVENTS_URL", "https://elsewhere"));

        for (Pipeline p : new Pipeline[] {unset, set}) {
            TaskSpec fetch = p.requireTask("fetch");
            assertThat(fetch.input().source()).as("what the container sees").isEqualTo(
                    "https://example.com/events?region=eu-west-1");
            assertThat(fetch.output().destination()).as("defaults.env counts too").isEqualTo("s3://lake/eu-west-1/raw");
        }
    }

    @Test
    void anotherTasksEnvDoesNotSetIt() {
        String yaml = PIPELINE + """
                  - name: other
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: "s3://lake/eu-west-1/raw"}
                      outputConfig: {type: batch, destination: "${EVENTS_URL}"}
                """;

        assertThatThrownBy(() -> Pipeline.parse(yaml, ORIGIN, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage(ORIGIN + ":15:48: tasks[1].config.outputConfig.destination: environment variable "
                        + "'EVENTS_URL' is not set; set it, or give a default with ${EVENTS_URL:-default}");
    }

    @Test
    void aVariableOfTheTasksSecretsIsNotTakenFromItsEnv() {
        String yaml = """
                tasks:
                  - name: load
                    type: bolt
                    env: {DB_URL: "postgres://written-in-the-file"}
                    secrets: {DB_URL: db/url}
                    config:
                      inputConfig: {type: batch, source: "s3://lake/raw"}
                      outputConfig: {type: batch, destination: "s3://lake/${DB_URL}"}
                """;

        assertThat(Pipeline.parse(yaml, ORIGIN, Map.of("DB_URL", "from-the-secret")).requireTask("load").output()
                .destination()).isEqualTo("s3://lake/from-the-secret");
        assertThatThrownBy(() -> Pipeline.parse(yaml, ORIGIN, Map.of())).hasMessageContaining(
                "environment variable 'DB_URL' is not set");
    }
}
