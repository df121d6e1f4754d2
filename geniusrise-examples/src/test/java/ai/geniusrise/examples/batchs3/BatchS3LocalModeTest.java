package ai.geniusrise.examples.batchs3;

import ai.geniusrise.examples.LocalRun;
import ai.geniusrise.testkit.BatchOutputs;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the seed's Example 1 (pipelines/batch-s3.yaml, unchanged) with the README's first command,
 * {@code geniusrise run batch-s3.yaml --serve pipelines/data --classpath ...}, in a JVM of its own
 * with no S3 configured: {@code --serve} serves the bundled sample where the batch spout fetches
 * it, and local mode starts an embedded store kept in {@code .geniusrise/s3} beside the file. The
 * one difference from the README: {@code EVENTS_URL} names a free port instead of 8000.
 */
@Timeout(180)
class BatchS3LocalModeTest {

    private static final List<String> VALID = List.of(
            "{\"id\":1,\"type\":\"click\",\"user\":\"ada\"}", "{\"id\":2,\"type\":\"view\",\"user\":\"bob\"}",
            "{\"id\":4,\"type\":\"click\",\"user\":\"ada\"}", "{\"id\":5,\"type\":\"scroll\",\"user\":\"cy\"}");
    private static final Pattern WHERE = Pattern.compile(
            "task 'bolt' done in [0-9.]+ s: 5 records in, 4 out, 1 dead-lettered\\n"
                    + "  output: s3://my-bucket/results \\(1 part\\), on disk: (\\S+)\\n");

    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void copyThePipeline() throws IOException {
        String endpoint = System.getenv("S3_ENDPOINT");
        assumeTrue(endpoint == null || endpoint.isBlank(), "S3_ENDPOINT is set in this environment");
        file = dir.resolve("batch-s3.yaml");
        Files.copy(Path.of("pipelines/batch-s3.yaml"), file);
    }

    @Test
    void theReadmesFirstCommandRunsExample1AndPrintsWhereItsOutputIs() throws Exception {
        String out = run(LocalRun.freePort());

        Path data = dir.resolve(".geniusrise").resolve("s3");
        assertThat(out).containsPattern("local mode: S3 at http://127\\.0\\.0\\.1:[0-9]+ \\(data in "
                + Pattern.quote(data.toString()) + ", access key geniusrise\\)")
                .contains("local mode: serving " + Path.of("pipelines/data").toRealPath() + " at http://localhost:")
                .contains("task 'batch-spout' done").containsPattern("done in [0-9.]+ s: 5 records out\\n");
        Matcher where = WHERE.matcher(out);
        assertThat(where.find()).as(out).isTrue();
        Path results = Path.of(where.group(1));
        assertThat(results).isEqualTo(data.resolve("my-bucket").resolve("results"));
        assertThat(gunzippedLines(results)).as("the printed folder holds the results")
                .containsExactlyInAnyOrderElementsOf(VALID);
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(data).build().start()) {
            assertThat(BatchOutputs.values("s3://my-bucket/data", store.options())).hasSize(5);
            assertThat(BatchOutputs.values("s3://my-bucket/results", store.options())).containsExactlyInAnyOrderElementsOf(VALID);
            assertThat(BatchOutputs.values("s3://my-bucket/results/_dead-letter", store.options())).singleElement()
                    .satisfies(letter -> assertThat(letter).contains("orphan"));
        }
    }

    @Test
    void aSecondRunResumesWithTheDataKeptInTheGeniusriseFolder() throws Exception {
        int port = LocalRun.freePort();
        run(port);
        String second = run(port);

        assertThat(second).contains("local mode: S3 at");
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(dir.resolve(".geniusrise").resolve("s3")).build()
                .start()) {
            assertThat(store.client().listObjectsV2(r -> r.bucket("my-bucket").prefix("data/_geniusrise/commit-"))
                    .contents()).as("the first run's commit marker is kept beside the second's").hasSize(2);
            assertThat(BatchOutputs.values("s3://my-bucket/data", store.options())).hasSize(5);
            assertThat(BatchOutputs.values("s3://my-bucket/results", store.options())).containsExactlyInAnyOrderElementsOf(VALID);
        }
    }

    /** The README's first command, from this module's folder, in a JVM of its own; returns what it printed. */
    private String run(int port) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        try (LocalRun run = LocalRun.command("run", file.toString(), "--serve", "pipelines/data", "--classpath",
                "target/classes").env("EVENTS_URL", "http://localhost:" + port + "/events.json")
                .without("S3_ENDPOINT").start(log)) {
            assertThat(run.awaitExit(Duration.ofSeconds(120))).as("the run ends").isTrue();
            String out = run.output();
            assertThat(run.exitValue()).as(out).isZero();
            return out;
        }
    }

    /** The lines of the gzip parts in {@code folder}, as a person would read them with zcat. */
    private static List<String> gunzippedLines(Path folder) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path part : files.filter(f -> f.getFileName().toString().endsWith(".jsonl.gz")).toList()) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(part))) {
                    lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
                }
            }
        }
        return lines;
    }

}
