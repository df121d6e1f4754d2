package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.UppercaseBolt;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code geniusrise run} with no Kafka brokers or S3 endpoint configured. */
@Timeout(120)
class LocalModeTest {

    @TempDir
    Path dir;

    @Test
    void aTaskRunWithoutBootstrapServersFailsWithTheUsualErrorAndStartsNothing() throws IOException {
        CliRun.assumeNoBrokersConfigured();
        Path file = CliRun.uppercaseStream(dir, "");

        CliRun run = CliRun.of("run", file.toString(), "--task", "upper");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no Kafka brokers are configured");
        assertThat(run.out()).doesNotContain("local mode");
        assertThat(dir.resolve(".geniusrise")).doesNotExist();
    }

    @Test
    void aStreamingPipelineWithoutBrokersRunsOnAnEmbeddedKafkaForTheGivenDuration() throws IOException {
        CliRun.assumeNoBrokersConfigured();
        Path file = CliRun.uppercaseStream(dir, "");

        CliRun run = CliRun.of("run", file.toString(), "--duration", "3s");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("local mode: Kafka at localhost:[0-9]+ \\(data in "
                        + java.util.regex.Pattern.quote(dir.resolve(".geniusrise").resolve("kafka").toString()) + "\\)")
                .contains("stopping after 3s; draining and committing").contains("task 'upper' done");
    }

    @Test
    void theEmbeddedBrokerStopsWithoutKafkasDoubleCloseWarning() throws Exception {
        CliRun.assumeNoBrokersConfigured();
        Path file = CliRun.uppercaseStream(dir, "");
        Path log = dir.resolve("run.log");

        try (ChildRun run = ChildRun.startInLocalMode(log, "run", file.toString(), "--duration", "2s")) {
            assertThat(run.awaitExit(java.time.Duration.ofSeconds(90))).as("the run ends after its duration").isTrue();
            assertThat(run.exitValue()).as(run.output()).isZero();
            assertThat(run.output()).contains("task 'upper' done").doesNotContain(LocalMode.DOUBLE_CLOSE)
                    .doesNotContain("[WARN]");
        }
    }

    @Test
    void durationOptionsAreRefusedWithTaskBecauseAContainerRunsUntilStopped() throws IOException {
        Path file = CliRun.uppercaseStream(dir, ", bootstrapServers: \"localhost:1\"");

        CliRun run = CliRun.of("run", file.toString(), "--task", "upper", "--until-idle", "5s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--until-idle").contains("whole pipeline");
    }

    @Test
    void aPipelineOnS3WithoutAnEndpointRunsOnAnEmbeddedStoreKeptBesideTheFile() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.jsonl"), "{\"v\":\"a1\"}\n{\"v\":\"a2\"}\n");
        Path file = dir.resolve("lake.yaml");
        Files.writeString(file, """
                version: 1
                name: lake
                tasks:
                  - name: upper
                    type: bolt
                    class: %s
                    config:
                      inputConfig: {type: batch, source: in}
                      outputConfig: {type: batch, destination: "s3://lake/upper", compression: gzip}
                """.formatted(UppercaseBolt.class.getName()));

        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        Path data = dir.resolve(".geniusrise").resolve("s3");
        assertThat(run.out()).containsPattern("local mode: S3 at http://127\\.0\\.0\\.1:[0-9]+ \\(data in "
                + java.util.regex.Pattern.quote(data.toString()) + ", access key geniusrise\\)")
                .doesNotContain("Kafka").contains("task 'upper' done");
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(data).build().start()) {
            List<String> lines = new ArrayList<>();
            for (S3Object o : store.client().listObjectsV2(r -> r.bucket("lake").prefix("upper/")).contents()) {
                if (o.key().endsWith(".gz") && !o.key().contains("_geniusrise")) {
                    ResponseBytes<GetObjectResponse> bytes = store.client().getObjectAsBytes(
                            r -> r.bucket("lake").key(o.key()));
                    try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(bytes.asByteArray()))) {
                        lines.addAll(new String(gz.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
                    }
                }
            }
            assertThat(lines).containsExactlyInAnyOrder("{\"V\":\"A1\"}", "{\"V\":\"A2\"}");
        }
    }
}
