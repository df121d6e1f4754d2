package ai.geniusrise.examples.parquet;

import ai.geniusrise.examples.LocalRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs pipelines/page-views-parquet.yaml with {@code geniusrise run} (local mode, a JVM of its own)
 * and reads its output with DuckDB: one folder per day, the schema's types (timestamp-millis is a
 * UTC timestamp, TIMESTAMP WITH TIME ZONE to DuckDB), every valid view once in the folder of its day,
 * the one with a bad {@code ts} dead-lettered.
 */
@Timeout(180)
class ParquetLocalModeTest {

    @TempDir
    Path dir;

    @Test
    void jsonLinesBecomeParquetPartitionedByDayThatDuckDbReads() throws Exception {
        Path out = dir.resolve("page-views");
        Path log = dir.resolve("run.log");
        try (LocalRun run = LocalRun.command("run", "pipelines/page-views-parquet.yaml", "--classpath", "target/classes")
                .env("PAGE_VIEWS_OUT", out.toString()).start(log)) {
            assertThat(run.awaitExit(Duration.ofSeconds(150))).as("the run ends").isTrue();
            assertThat(run.exitValue()).as(run.output()).isZero();
            assertThat(run.output()).contains("61 records in, 60 out, 1 dead-lettered");
        }
        List<String> days = new ArrayList<>();
        try (var s = Files.list(out)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("day=")).sorted().forEach(days::add);
        }
        assertThat(days).containsExactly("day=2026-01-01", "day=2026-01-02", "day=2026-01-03");
        String files = "read_parquet('" + out + "/day=*/*.parquet', hive_partitioning = true)";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + files
                    + ")")) {
                List<String> columns = new ArrayList<>();
                while (rs.next()) {
                    columns.add(rs.getString(1) + " " + rs.getString(2));
                }
                assertThat(columns).containsExactly("user VARCHAR", "page VARCHAR", "ts TIMESTAMP WITH TIME ZONE", "ms INTEGER",
                        "day DATE");
            }
            try (ResultSet rs = st.executeQuery("SELECT day::VARCHAR, count(*), sum(ms), count(*) FILTER (WHERE "
                    + "epoch_ms(ts) // 86400000 = epoch_ms(day::TIMESTAMP) // 86400000) FROM " + files + " GROUP BY day ORDER BY day")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3) + " " + rs.getLong(4));
                }
                // 60 views, n = 0..59 on day n % 3, ms = 100 + 7n
                assertThat(rows).containsExactly("2026-01-01 20 5990 20", "2026-01-02 20 6130 20",
                        "2026-01-03 20 6270 20");
            }
        }
    }
}
