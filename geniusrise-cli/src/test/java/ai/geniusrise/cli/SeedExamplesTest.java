package ai.geniusrise.cli;

import ai.geniusrise.testkit.s3.EmbeddedS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The design document's two examples, as written but for their placeholder URL made concrete:
 * their bolt names no class, so it copies its records unchanged. Both validate (with a notice
 * saying so) and run in local mode; {@link GeneratedFilesStartTest} generates them for both targets.
 */
@Timeout(300)
class SeedExamplesTest {

    private static final Path SEEDS = Path.of("../geniusrise-core/src/test/resources/pipelines");

    @TempDir
    Path dir;

    private Path seed(String name, String url) throws IOException {
        String text = Files.readString(SEEDS.resolve(name));
        assertThat(text).contains("external-source-url").doesNotContain("class:");
        return Files.writeString(dir.resolve(name), text.replace("external-source-url", url));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void bothSeedExamplesValidateWithANoticeForTheirBoltWithoutClass() throws IOException {
        for (Path file : List.of(seed("seed-batch.yaml", "https://exports.example.com/daily/orders.jsonl"),
                seed("seed-streaming.yaml", "http://0.0.0.0:9000/events"))) {
            CliRun run = CliRun.of("validate", file.toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("is valid (2 tasks");
            assertThat(run.err().strip()).matches("notice: .*seed-\\w+\\.yaml:12:5: tasks\\[1\\]: bolt 'bolt' has no "
                    + "class: records are copied unchanged");
        }
    }

    @Test
    void theBatchSeedRunsInLocalModeAndItsBoltCopiesTheFetchedRecords() throws IOException {
        Path served = Files.createDirectories(dir.resolve("served"));
        List<String> orders = IntStream.range(0, 5).mapToObj(i -> "{\"order\":" + i + ",\"total\":" + (10 + i) + "}")
                .toList();
        Files.write(served.resolve("orders.jsonl"), orders);
        Path file = seed("seed-batch.yaml", "http://localhost:" + freePort() + "/orders.jsonl");

        CliRun run = CliRun.of("run", file.toString(), "--serve", served.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("task 'batch-spout' done in [0-9.]+ s: 5 records out")
                .containsPattern("task 'bolt' done in [0-9.]+ s: 5 records in, 5 out");
        assertThat(committedLines(dir.resolve(".geniusrise").resolve("s3"), "my-bucket", "results/"))
                .containsExactlyInAnyOrderElementsOf(orders);
    }

    @Test
    void theStreamingSeedRunsInLocalModeAndItsBoltCopiesThePostedRecords() throws IOException {
        CliRun.assumeNoBrokersConfigured();
        Path feed = Files.write(dir.resolve("clicks.jsonl"), IntStream.range(0, 10)
                .mapToObj(i -> "{\"click\":" + i + "}").toList());
        Path file = seed("seed-streaming.yaml", "http://0.0.0.0:" + freePort() + "/events");

        CliRun run = CliRun.of("run", file.toString(), "--feed", feed.toString(), "--feed-rate", "50",
                "--duration", "15s");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        Matcher spout = Pattern.compile("task 'streaming-spout' done in [0-9.]+ s: ([0-9]+) records out")
                .matcher(run.out());
        Matcher bolt = Pattern.compile("task 'bolt' done in [0-9.]+ s: ([0-9]+) records in, ([0-9]+) out")
                .matcher(run.out());
        assertThat(spout.find()).as(run.out()).isTrue();
        assertThat(bolt.find()).as(run.out()).isTrue();
        assertThat(Long.parseLong(bolt.group(1))).as("records the bolt read").isPositive();
        assertThat(bolt.group(2)).as("a bolt without class writes what it reads").isEqualTo(bolt.group(1));
    }

    @Test
    void bothSeedExamplesGenerateForKubernetesAsWrittenAndForEcsWithTheAccountOnTheCommandLine() throws IOException {
        for (Path file : List.of(seed("seed-batch.yaml", "https://exports.example.com/daily/orders.jsonl"),
                seed("seed-streaming.yaml", "http://0.0.0.0:8080/events"))) {
            Path out = dir.resolve("deploy-" + file.getFileName());

            CliRun k8s = CliRun.of("generate", file.toString(), "-o", out.toString());
            CliRun ecs = CliRun.of("generate", file.toString(), "--target", "ecs", "-o", out.toString(),
                    "--deploy", "cluster=arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines",
                    "--deploy", "subnets=subnet-0a1b2c3d,subnet-4e5f6a7b",
                    "--deploy", "executionRoleArn=arn:aws:iam::123456789012:role/geniusrise-execution");

            assertThat(k8s.exitCode()).as(k8s.err()).isZero();
            assertThat(ecs.exitCode()).as(ecs.err()).isZero();
            String boltManifest = Files.readString(out.resolve("k8s").resolve("bolt.yaml"));
            assertThat(boltManifest).as("a task without class runs in the geniusrise image")
                    .containsPattern("image: \"?ghcr.io/geniusrise/geniusrise:[0-9]");
            assertThat(Files.readString(out.resolve("ecs").resolve("bolt.task-definition.json")))
                    .contains("arn:aws:iam::123456789012:role/geniusrise-execution")
                    .containsPattern("ghcr.io/geniusrise/geniusrise:[0-9]");
        }
    }

    @Test
    void aTaskWithAClassAndNoImageIsRefusedAtItsLine() throws IOException {
        Path file = Files.writeString(dir.resolve("own-class.yaml"), """
                name: own
                tasks:
                  - name: bolt
                    type: bolt
                    class: com.acme.Enricher
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {type: batch, destination: s3://b/out}
                """);

        CliRun run = CliRun.of("generate", file.toString(), "-o", dir.resolve("out").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("own-class.yaml:3:5").contains("com.acme.Enricher is not in the geniusrise image");
    }

    /** The lines of the committed objects under {@code prefix} in the local-mode S3 store kept in {@code data}. */
    private static List<String> committedLines(Path data, String bucket, String prefix) throws IOException {
        List<String> lines = new ArrayList<>();
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(data).build().start()) {
            for (S3Object o : store.client().listObjectsV2(r -> r.bucket(bucket).prefix(prefix)).contents()) {
                if (o.key().contains("_geniusrise") || o.key().contains("_dead-letter") || o.key().endsWith("/")) {
                    continue;
                }
                byte[] bytes = store.client().getObjectAsBytes(r -> r.bucket(bucket).key(o.key())).asByteArray();
                try (InputStream in = o.key().endsWith(".gz") ? new GZIPInputStream(new ByteArrayInputStream(bytes))
                        : new ByteArrayInputStream(bytes)) {
                    lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
                }
            }
        }
        return lines;
    }
}
