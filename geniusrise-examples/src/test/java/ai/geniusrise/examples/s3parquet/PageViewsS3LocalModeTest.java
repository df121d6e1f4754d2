package ai.geniusrise.examples.s3parquet;

import ai.geniusrise.examples.LocalRun;
import ai.geniusrise.examples.ParquetObjects;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs pipelines/page-views-s3.yaml as written, in local mode, from a folder of its own (so its
 * {@code schemaFile} is found beside the file, not where the command runs): the sample views are put
 * into the store local mode keeps in {@code .geniusrise/s3}, the run reads them from S3 and ends;
 * then the test downloads the Parquet objects and reads them with DuckDB: one folder per day, the
 * schema file's types, every valid view once in the folder of its day.
 */
@Timeout(150)
class PageViewsS3LocalModeTest {

    @TempDir
    Path dir;

    @Test
    void jsonLinesOnS3BecomeParquetOnS3PartitionedByDayThatDuckDbReads() throws Exception {
        assumeTrue(blank(System.getenv("S3_ENDPOINT")), "S3_ENDPOINT is set in this environment");
        Path file = LocalRun.copyExample("page-views-s3.yaml", dir);
        Path data = dir.resolve(".geniusrise");
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(data.resolve("s3")).build().start()) {
            store.client().createBucket(r -> r.bucket("lake"));
            for (String name : List.of("views-1.jsonl", "views-2.jsonl")) {
                store.client().putObject(r -> r.bucket("lake").key("raw/page-views/" + name),
                        RequestBody.fromFile(Path.of("data/page-views", name)));
            }
        }

        String out = LocalRun.runHere("run", file.toString());

        assertThat(out).contains("local mode: S3 at").contains("task 'daily-views' done")
                .contains("61 records in, 60 out, 1 dead-lettered");
        Path local = dir.resolve("downloaded");
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(data.resolve("s3")).build().start()) {
            assertThat(ParquetObjects.download(store, "lake", "page-views/", local)).isNotEmpty()
                    .allMatch(key -> key.matches("page-views/day=2026-01-0[123]/.+\\.parquet"), "parquet, by day");
        }
        String files = "read_parquet('" + local + "/day=*/*.parquet', hive_partitioning = true)";
        assertThat(ParquetObjects.query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + files + ")"))
                .containsExactly("user VARCHAR", "page VARCHAR", "ts TIMESTAMP WITH TIME ZONE", "ms INTEGER", "day DATE");
        // 60 views, n = 0..59 on day n % 3, ms = 100 + 7n; each in the folder of its own day
        assertThat(ParquetObjects.query("SELECT day::VARCHAR, count(*), sum(ms), count(*) FILTER (WHERE "
                + "epoch_ms(ts) // 86400000 = epoch_ms(day::TIMESTAMP) // 86400000) FROM " + files
                + " GROUP BY day ORDER BY day"))
                .containsExactly("2026-01-01 20 5990 20", "2026-01-02 20 6130 20", "2026-01-03 20 6270 20");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
