package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.TagJsonBolt;
import ai.geniusrise.cli.fixtures.UppercaseBolt;
import ai.geniusrise.io.s3.S3BatchStorage;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code geniusrise run} of S3 → S3 bolts against a real S3-compatible store (embedded S3Proxy by default). */
@ExtendWith(S3Extension.class)
@Timeout(60)
class S3RunCommandTest {

    @TempDir
    Path dir;

    S3Endpoint s3;
    S3Objects objects;
    String bucket;

    @BeforeEach
    void writeInput(S3Endpoint endpoint) {
        s3 = endpoint;
        bucket = endpoint.createBucket("run");
        objects = new S3Objects(endpoint, bucket);
        objects.put("in/a.jsonl", "{\"v\":\"a1\"}\n{\"v\":\"a2\"}\n");
        objects.put("in/b.jsonl", "{\"v\":\"b1\"}\nnot json at all\n{\"v\":\"b3\"}\n");
        objects.put("in/sub/c.jsonl", "{\"v\":\"c1\"}\n");
        objects.put("in/_ignored.jsonl", "{\"v\":\"hidden\"}\n");
    }

    /** A pipeline whose defaults.s3 reach {@code endpoint} with {@code options}. */
    private Path pipeline(Map<String, String> options, String taskYaml) throws IOException {
        StringBuilder defaults = new StringBuilder("defaults:\n  s3:\n");
        new TreeMap<>(options).forEach((k, v) -> defaults.append("    ").append(k).append(": \"").append(v)
                .append("\"\n"));
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, "version: 1\nname: s3test\n" + defaults + "tasks:\n" + taskYaml);
        return file;
    }

    private static String bolt(String className, String errors, String source, String destination, String extra) {
        return "  - name: tag\n    type: bolt\n    class: " + className + "\n    errors: " + errors + "\n" + extra
                + "    config:\n"
                + "      inputConfig: {type: batch, source: \"" + source + "\", format: jsonl, parallelism: 2}\n"
                + "      outputConfig: {type: batch, destination: \"" + destination + "\", format: jsonl}\n";
    }

    private Path tagging(String errors, String extra) throws IOException {
        return pipeline(s3.options(), bolt(TagJsonBolt.class.getName(), errors, "s3://" + bucket + "/in",
                "s3://" + bucket + "/out", extra));
    }

    @Test
    void s3ToS3BoltReadsEveryVisibleObjectAndCommitsItsOutput() throws IOException {
        objects.put("in/b.jsonl", "{\"v\":\"b1\"}\n");
        Path file = pipeline(s3.options(), bolt(UppercaseBolt.class.getName(), "fail", "s3://" + bucket + "/in",
                "s3://" + bucket + "/out", ""));

        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("task 'tag' done").contains("4 records in, 4 out");
        assertThat(objects.visibleLines("out")).containsExactlyInAnyOrder("{\"V\":\"A1\"}", "{\"V\":\"A2\"}",
                "{\"V\":\"B1\"}", "{\"V\":\"C1\"}");
        assertThat(objects.keysOutsideMarkers("out")).as("every stored part is a committed one")
                .isEqualTo(List.copyOf(objects.visibleParts("out").keySet()));
    }

    @Test
    void rerunningTheSameInputGivesByteIdenticalObjects() throws IOException {
        Path file = tagging("skip", "");
        assertThat(CliRun.of("run", file.toString()).exitCode()).isZero();
        TreeMap<String, byte[]> first = objects.visibleParts("out");
        assertThat(CliRun.of("run", file.toString()).exitCode()).isZero();
        TreeMap<String, byte[]> second = objects.visibleParts("out");

        assertThat(second.keySet()).isEqualTo(first.keySet()).isNotEmpty();
        first.forEach((name, bytes) -> assertThat(second.get(name)).as(name).isEqualTo(bytes));
    }

    @Test
    void failPolicyStopsAtTheMalformedLineNamingItsObjectAndLeavesNothingInTheBucket() throws IOException {
        CliRun run = CliRun.of("run", tagging("fail", "").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("task 'tag'").contains("b.jsonl:2").doesNotContain("\tat ");
        assertThat(objects.visibleParts("out")).isEmpty();
        assertThat(objects.keysOutsideMarkers("out")).isEmpty();
        assertThat(objects.uploadsInProgress("out")).as("aborted uploads").isZero();
    }

    @Test
    void skipPolicyDropsTheMalformedLineAndCountsIt() throws IOException {
        CliRun run = CliRun.of("run", tagging("skip", "").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("6 records in, 5 out, 1 skipped");
        assertThat(objects.visibleLines("out")).hasSize(5).allMatch(l -> l.contains("\"tagged\":true"));
    }

    @Test
    void deadLetterPolicyWritesTheLineItsPositionAndTheErrorUnderTheOutputsDeadLetterPrefix() throws IOException {
        CliRun run = CliRun.of("run", tagging("dead-letter", "").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("1 dead-lettered");
        assertThat(objects.visibleLines("out")).hasSize(5);
        List<String> letters = objects.visibleLines("out/_dead-letter");
        assertThat(letters).hasSize(1);
        JsonNode letter = new ObjectMapper().readTree(letters.get(0));
        assertThat(letter.get("task").asText()).isEqualTo("tag");
        assertThat(letter.get("value").asText()).isEqualTo("not json at all");
        assertThat(letter.get("position").asText()).isEqualTo("b.jsonl:2");
    }

    @Test
    void deadLettersGoToTheS3PrefixTheTaskNames() throws IOException {
        CliRun run = CliRun.of("run", tagging("dead-letter", "    deadLetter: \"s3://" + bucket + "/dlq\"\n")
                .toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(objects.visibleLines("dlq")).hasSize(1).allMatch(l -> l.contains("not json at all"));
        assertThat(objects.visibleLines("out")).hasSize(5);
    }

    @Test
    void aMissingOutputBucketFailsTheTaskNamingTheBucket() throws IOException {
        Path file = pipeline(s3.options(), bolt(TagJsonBolt.class.getName(), "fail", "s3://" + bucket + "/in",
                "s3://no-such-bucket-here/out", ""));

        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("bucket 'no-such-bucket-here' does not exist").doesNotContain("\tat ");
    }

    @Test
    void aMissingInputBucketFailsTheTaskNamingTheBucketAndTheOperation() throws IOException {
        Path file = pipeline(s3.options(), bolt(TagJsonBolt.class.getName(), "fail", "s3://absent-input-bucket/in",
                "s3://" + bucket + "/out", ""));

        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("bucket 'absent-input-bucket' does not exist").contains("listing");
    }

    @Test
    void deniedCredentialsFailTheTaskNamingTheBucket() throws IOException {
        Map<String, String> wrong = S3BatchStorage.atEndpoint(Map.of(), s3.endpoint(), s3.region(), s3.accessKeyId(),
                "not-the-secret");
        Path file = pipeline(wrong, bolt(TagJsonBolt.class.getName(), "fail", "s3://" + bucket + "/in",
                "s3://" + bucket + "/out", ""));

        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("access denied to bucket '" + bucket + "'").contains("credentials")
                .doesNotContain("\tat ");
    }

    @Test
    @Timeout(30)
    void anUnreachableEndpointFailsWithinSecondsNamingTheEndpointAndTheBucket() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> nowhere = S3BatchStorage.atEndpoint(Map.of(), "http://127.0.0.1:" + closedPort, s3.region(),
                s3.accessKeyId(), s3.secretAccessKey());
        Path file = pipeline(nowhere, bolt(TagJsonBolt.class.getName(), "fail", "s3://" + bucket + "/in",
                "s3://" + bucket + "/out", ""));

        long started = System.nanoTime();
        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cannot reach http://127.0.0.1:" + closedPort).contains("'" + bucket + "'");
        assertThat((System.nanoTime() - started) / 1_000_000_000.0).isLessThan(15.0);
    }
}
