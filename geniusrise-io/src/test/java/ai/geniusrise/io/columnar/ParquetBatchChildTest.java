package ai.geniusrise.io.columnar;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JSON lines → parquet batch bolt (partitioned by day) in a child JVM with {@code -Xmx256m}:
 * it runs in bounded memory, and killed with SIGKILL it reruns to byte-identical output.
 */
class ParquetBatchChildTest {

    /** Input size of the bounded-memory run, in MiB (1 GiB scaled down: see docs/benchmarks.md). */
    private static final long BIG_MIB = Long.getLong("geniusrise.test.parquetMiB", 96);

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        children.forEach(Process::destroyForcibly);
    }

    private Process child(Path in, Path out, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), ParquetChild.class.getName(),
                in.toString(), out.toString()));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child-" + children.size() + ".log").toFile()).start();
        children.add(p);
        return p;
    }

    private String log(int child) throws IOException {
        return Files.readString(dir.resolve("child-" + child + ".log"));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aParquetOutputWithSixteenOpenPartitionsRunsInA256MegabyteHeap() throws Exception {
        long records = ParquetChild.make(dir.resolve("in"), BIG_MIB << 20, 1);
        // one input object: its 16 day partitions stay open for the whole run; a 64 MiB row group
        // each would need 1 GiB without the memory budget (a quarter of the heap: 64 MiB)
        Process p = child(dir.resolve("in"), dir.resolve("out"), "rowGroupSize=64MiB");
        assertThat(p.waitFor(9, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(log(0)).isZero();
        Map<String, Object> agg = DuckDb.query("SELECT count(*) AS n, count(DISTINCT day) AS days, sum(id) AS ids "
                + "FROM read_parquet('" + dir.resolve("out") + "/day=*/*.parquet')").get(0);
        assertThat(((Number) agg.get("n")).longValue()).isEqualTo(records);
        assertThat(((Number) agg.get("days")).longValue()).isEqualTo(16);
        assertThat(((Number) agg.get("ids")).longValue()).isEqualTo(records * (records - 1) / 2);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aKilledParquetBoltRerunsToByteIdenticalOutput() throws Exception {
        ParquetChild.make(dir.resolve("in"), 24L << 20, 4);
        Path reference = dir.resolve("reference");
        Process clean = child(dir.resolve("in"), reference, "rowGroupSize=1MiB");
        assertThat(clean.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(clean.exitValue()).as(log(0)).isZero();

        Path out = dir.resolve("out");
        Process killed = child(dir.resolve("in"), out, "rowGroupSize=1MiB");
        Path tmp = out.resolve("_geniusrise/tmp");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        // mid-run: the first object's 16 parts are written, the second object's being written
        while (temporaryParts(tmp) < 20 && killed.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(killed.isAlive()).as("killed while writing parts: " + log(1)).isTrue();
        killed.destroyForcibly(); // SIGKILL
        killed.waitFor();
        assertThat(published(out)).as("nothing published by the killed run").isEmpty();

        Process rerun = child(dir.resolve("in"), out, "rowGroupSize=1MiB");
        assertThat(rerun.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(rerun.exitValue()).as(log(2)).isZero();

        Map<String, byte[]> expected = published(reference);
        Map<String, byte[]> actual = published(out);
        assertThat(expected).hasSize(64);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String name : expected.keySet()) {
            assertThat(actual.get(name)).as(name).isEqualTo(expected.get(name));
        }
        assertThat(Files.exists(tmp) ? listFiles(tmp) : List.of()).as("temporary parts of the killed run removed")
                .isEmpty();
    }

    private static int temporaryParts(Path tmp) throws IOException {
        return Files.isDirectory(tmp) ? listFiles(tmp).size() : 0;
    }

    private static List<Path> listFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).collect(Collectors.toList());
        } catch (java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    /** The published parquet files under {@code root} (not the temporary ones), by relative name. */
    private static Map<String, byte[]> published(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        for (Path p : listFiles(root)) {
            String rel = root.relativize(p).toString();
            if (!rel.startsWith("_geniusrise")) {
                files.put(rel, Files.readAllBytes(p));
            }
        }
        return files;
    }
}
