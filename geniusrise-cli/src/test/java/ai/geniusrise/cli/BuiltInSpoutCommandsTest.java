package ai.geniusrise.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** validate and generate with spouts that name no class: a built-in serves their source, or a located error. */
@Timeout(60)
class BuiltInSpoutCommandsTest {

    @TempDir
    Path dir;

    private Path pipeline(String tasks) throws IOException {
        Files.createDirectories(dir.resolve("in"));
        return Files.writeString(dir.resolve("pipeline.yaml"), """
                version: 1
                name: builtins
                defaults:
                  image: ghcr.io/acme/pipelines:1.0.0
                  kafka: {bootstrapServers: "kafka:9092"}
                tasks:
                """ + tasks);
    }

    private static final String SERVED = """
              - name: lines
                type: spout
                config:
                  inputConfig: {type: streaming, source: "tcp://0.0.0.0:9000"}
                  outputConfig: {type: streaming, destination: lines}
              - name: posts
                type: spout
                config:
                  inputConfig: {type: streaming, source: "http://0.0.0.0:8080/events"}
                  outputConfig: {type: streaming, destination: posts}
              - name: files
                type: spout
                config:
                  inputConfig: {type: batch, source: in, glob: "*.jsonl"}
                  outputConfig: {type: batch, destination: "s3://bucket/files"}
              - name: fetch
                type: spout
                config:
                  inputConfig: {type: batch, source: "https://example.com/items.json"}
                  outputConfig: {type: batch, destination: "s3://bucket/fetched"}
            """;

    @Test
    void validateAndGenerateAcceptSpoutsWithoutClassWhenABuiltInServesTheirSource() throws IOException {
        Path file = pipeline(SERVED);

        CliRun valid = CliRun.of("validate", file.toString());
        assertThat(valid.exitCode()).as(valid.err()).isZero();
        assertThat(valid.out()).contains("pipeline 'builtins' is valid (4 tasks");

        CliRun generated = CliRun.of("generate", file.toString(), "-o", dir.resolve("deploy").toString());
        assertThat(generated.exitCode()).as(generated.err()).isZero();
        assertThat(dir.resolve("deploy/k8s/lines.yaml")).exists();
    }

    @Test
    void aSpoutWithoutClassThatNoBuiltInServesIsALocatedErrorListingTheBuiltIns() throws IOException {
        Path file = pipeline("""
                  - name: mystery
                    type: spout
                    config:
                      inputConfig: {type: streaming, source: "udp://0.0.0.0:5000"}
                      outputConfig: {type: streaming, destination: out}
                """);

        CliRun validate = CliRun.of("validate", file.toString());
        CliRun generate = CliRun.of("generate", file.toString(), "-o", dir.resolve("deploy").toString());

        for (CliRun run : new CliRun[] {validate, generate}) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
            assertThat(run.err())
                    .containsPattern("pipeline\\.yaml:10:\\d+: tasks\\[0\\]\\.config\\.inputConfig\\.source")
                    .contains("no built-in spout serves a streaming input from 'udp://0.0.0.0:5000'")
                    .contains("tcp://host:port").contains("http://host:port/path").contains("file:///path");
        }
    }

    @Test
    void aBoltWithoutClassIsValidWithALocatedNoticeThatItCopiesRecords() throws IOException {
        Path file = pipeline("""
                  - name: cleaner
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: in}
                      outputConfig: {type: batch, destination: out}
                """);

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        assertThat(run.err()).containsPattern("notice: .*pipeline\\.yaml:\\d+:\\d+: tasks\\[0\\]: bolt 'cleaner' has "
                + "no class: records are copied unchanged");
        assertThat(run.err().lines().filter(l -> l.startsWith("notice:")).count()).isEqualTo(1);
    }
}
