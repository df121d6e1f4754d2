package ai.geniusrise.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The task rules of {@code TaskSpec} reach the commands: what {@code run} or {@code generate}
 * would trip over, {@code validate} reports first, at its line.
 */
@Timeout(60)
class StreamingRuleTest {

    @TempDir
    Path dir;

    private Path pipeline(String task) throws IOException {
        return Files.writeString(dir.resolve("pipeline.yaml"), """
                version: 1
                name: rules
                tasks:
                """ + task);
    }

    @Test
    void aListenerSpoutWritingFilesIsRefusedByValidateAndRunBecauseItCouldNeverCommit() throws IOException {
        Path file = pipeline("""
                  - name: lines
                    type: spout
                    config:
                      inputConfig: {type: streaming, source: "tcp://0.0.0.0:9000"}
                      outputConfig: {type: batch, destination: out, format: text}
                """);

        for (String command : new String[] {"validate", "run"}) {
            CliRun run = CliRun.of(command, file.toString());

            assertThat(run.exitCode()).as(command + ": " + run.err()).isEqualTo(2);
            assertThat(run.err()).as(command).startsWith("error: " + file + ":8:28: tasks[0].config.outputConfig.type: "
                    + "spout 'lines' reads a stream and runs until stopped, but a batch output is committed only by "
                    + "a run that ends by itself").doesNotContain("Exception");
        }
    }

    @Test
    void replicasOnABatchTaskAreRefusedByValidateNotFirstByGenerate() throws IOException {
        Path file = pipeline("""
                  - name: compact
                    type: bolt
                    image: ghcr.io/acme/compact:1.0
                    replicas: 3
                    config:
                      inputConfig: {type: batch, source: "s3://lake/raw"}
                      outputConfig: {type: batch, destination: "s3://lake/compact"}
                """);

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: " + file + ":7:15: tasks[0].replicas: is for streaming tasks; task "
                + "'compact' reads a batch input: use parallelism");
    }
}
