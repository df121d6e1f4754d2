package ai.geniusrise.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one argument grammar of a task's container: what {@code Geniusrise.run} and {@code geniusrise run} accept. */
class RunArgumentsTest {

    @Test
    void readsWhatTheGeneratedFilesPassWithAndWithoutTheLeadingRun() {
        RunArguments withRun = RunArguments.parse(List.of("run", "/etc/geniusrise/pipeline.yaml", "--task", "bolt",
                "--http-port", "8080"), Map.of());
        RunArguments without = RunArguments.parse(List.of("/etc/geniusrise/pipeline.yaml", "--task=bolt",
                "--http-port=8080"), Map.of());

        assertThat(withRun.pipeline()).isEqualTo("/etc/geniusrise/pipeline.yaml");
        assertThat(withRun.task()).isEqualTo("bolt");
        assertThat(withRun.httpPort()).isEqualTo(8080);
        assertThat(without.pipeline()).isEqualTo(withRun.pipeline());
        assertThat(without.task()).isEqualTo(withRun.task());
        assertThat(without.httpPort()).isEqualTo(withRun.httpPort());
    }

    @Test
    void everyOptionFallsBackOnItsEnvironmentVariable() {
        Map<String, String> env = Map.of("GENIUSRISE_PIPELINE", "p.yaml", "GENIUSRISE_TASK", "t",
                "GENIUSRISE_RUN_ID", "r1", "GENIUSRISE_HTTP_PORT", "9090",
                "GENIUSRISE_LOGICAL_TIME", "2024-05-01T10:00:00Z", "GENIUSRISE_SHUTDOWN_TIMEOUT", "1m");

        RunArguments fromEnv = RunArguments.parse(List.of(), env);
        RunArguments given = RunArguments.parse(List.of("run", "q.yaml", "-t", "u", "--run-id", "r2", "--http-port",
                "0", "--logical-time", "2025-01-01T00:00:00Z", "--shutdown-timeout", "PT5S", "--verbose"), env);

        assertThat(fromEnv.pipeline()).isEqualTo("p.yaml");
        assertThat(fromEnv.task()).isEqualTo("t");
        assertThat(fromEnv.runId()).isEqualTo("r1");
        assertThat(fromEnv.httpPort()).isEqualTo(9090);
        assertThat(fromEnv.logicalTime()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(fromEnv.shutdownTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(fromEnv.verbose()).isFalse();
        assertThat(given.pipeline()).isEqualTo("q.yaml");
        assertThat(given.task()).isEqualTo("u");
        assertThat(given.runId()).isEqualTo("r2");
        assertThat(given.httpPort()).isZero();
        assertThat(given.logicalTime()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(given.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(given.verbose()).isTrue();
        assertThat(RunArguments.parse(List.of("p.yaml"), Map.of()).shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(RunArguments.parse(List.of("p.yaml"), Map.of()).httpPort()).isEqualTo(-1);
    }

    @Test
    void usageMistakesAreConfigErrorsShowingTheUsage() {
        assertThatThrownBy(() -> RunArguments.parse(List.of("p.yaml", "--serve", "x"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown argument '--serve'")
                .hasMessageContaining("usage: [run] PIPELINE.yaml|env:NAME");
        assertThatThrownBy(() -> RunArguments.parse(List.of("p.yaml", "q.yaml"), Map.of()))
                .hasMessageContaining("unknown argument 'q.yaml'");
        assertThatThrownBy(() -> RunArguments.parse(List.of("p.yaml", "--task"), Map.of()))
                .hasMessageContaining("--task needs a value");
        assertThatThrownBy(() -> RunArguments.parse(List.of("p.yaml", "--task", "a", "-t", "b"), Map.of()))
                .hasMessageContaining("--task was given twice");
        assertThatThrownBy(() -> RunArguments.parse(List.of("p.yaml", "--http-port", "http"), Map.of()))
                .hasMessageContaining("--http-port").hasMessageContaining("expected a port number");
        assertThatThrownBy(() -> RunArguments.parse(List.of("p.yaml"), Map.of("GENIUSRISE_HTTP_PORT", "70000")))
                .hasMessageContaining("GENIUSRISE_HTTP_PORT");
        assertThatThrownBy(() -> RunArguments.parse(List.of("p.yaml", "--shutdown-timeout", "0s"), Map.of()))
                .hasMessageContaining("must be a positive duration");
        assertThatThrownBy(() -> RunArguments.parse(List.of("p.yaml", "--logical-time", "now"), Map.of()))
                .hasMessageContaining("expected an ISO-8601 time");
        assertThatThrownBy(() -> RunArguments.parse(List.of(), Map.of()).loadPipeline())
                .hasMessageContaining("no pipeline file").hasMessageContaining("GENIUSRISE_PIPELINE");
    }

    @Test
    void envNameReadsThePipelineFromThatVariable() {
        Map<String, String> env = Map.of("PIPE", """
                name: p
                tasks:
                  - name: copy
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: in}
                      outputConfig: {type: batch, destination: out}
                """);

        assertThat(RunArguments.parse(List.of("run", "env:PIPE"), env).loadPipeline().requireTask("copy")
                .copiesRecords()).isTrue();
        assertThatThrownBy(() -> RunArguments.parse(List.of("env:NONE"), env).loadPipeline())
                .hasMessageContaining("environment variable 'NONE' holds no pipeline file");
    }
}
