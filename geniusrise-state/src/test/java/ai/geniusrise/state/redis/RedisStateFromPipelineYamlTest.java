package ai.geniusrise.state.redis;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.testkit.redis.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Redis state config written in a pipeline file, with the password from the environment, opens and works. */
class RedisStateFromPipelineYamlTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.embedded("requirepass from-env");

    private static final String YAML = """
            version: 1
            name: counts
            defaults:
              state: {type: redis, url: "${REDIS_URL}", passwordEnv: REDIS_PASSWORD, poolSize: 4, timeout: 1s}
            tasks:
              - name: counter
                type: spout
                class: com.example.Counter
                config:
                  inputConfig: {type: streaming, source: "http://0.0.0.0:8080/events"}
                  outputConfig: {type: streaming, destination: counts}
              - name: other
                type: spout
                class: com.example.Counter
                config:
                  inputConfig: {type: streaming, source: "http://0.0.0.0:8081/events"}
                  outputConfig: {type: streaming, destination: other-counts}
                  stateConfig: {type: redis, url: "${REDIS_URL}", passwordEnv: REDIS_PASSWORD, keyPrefix: "other:"}
            """;

    @Test
    void stateConfigsFromDefaultsAndFromATaskOpenAgainstTheServer() {
        Pipeline pipeline = Pipeline.parse(YAML, Path.of("target", "counts.yaml"), Map.of("REDIS_URL", REDIS.url()));
        Map<String, String> env = Map.of("REDIS_PASSWORD", "from-env");
        try (RedisStateManager counter = RedisStateManager.open(pipeline.requireTask("counter").state(), env::get);
             RedisStateManager other = RedisStateManager.open(pipeline.requireTask("other").state(), env::get)) {
            counter.putString("count", "41");
            other.putString("count", "7");
            assertThat(counter.getString("count")).contains("41");
            assertThat(other.getString("count")).contains("7");
            assertThat(counter.getString("other:count")).contains("7");
        }
    }

    @Test
    void aMisspelledPropertyIsReportedWhenTheFileIsLoadedAtItsLineInDefaults() {
        assertThatThrownBy(() -> Pipeline.parse(YAML.replace("poolSize: 4", "poolsize: 4"),
                Path.of("target", "c.yaml"), Map.of("REDIS_URL", REDIS.url())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("target/c.yaml:4:84: defaults.state.poolsize: unknown key 'poolsize' in a redis "
                        + "stateConfig; did you mean 'poolSize'? (inherited from defaults by task 'counter')");
    }
}
