package ai.geniusrise.io.file;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.PartWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileCommitProtocolTest {

    @TempDir
    Path dir;

    private final FileBatchStorage storage = new FileBatchStorage();
    private final ObjectMapper json = new ObjectMapper();

    private BatchOutput output(Compression compression) throws IOException {
        return storage.openOutput(BatchOutputConfig.builder(dir.toString()).compression(compression).build(), null);
    }

    private BatchInput input() {
        return storage.openInput(BatchInputConfig.builder(dir.toString()).build(), null);
    }

    private static void writePart(BatchOutput out, String name, String... values) throws IOException {
        try (PartWriter w = out.createPart(name)) {
            for (String v : values) {
                w.write(Record.of(v));
            }
        }
    }

    private List<String> filesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    @Test
    void uncommittedPartsAreInvisibleToReaders() throws IOException {
        BatchOutput out = output(Compression.NONE);
        writePart(out, "part-00000", "{\"n\":1}");
        writePart(out, "country=fr/part-00001", "{\"n\":2}");

        assertThat(input().objects()).isEmpty();
        assertThat(Files.exists(dir.resolve("part-00000.jsonl"))).isFalse();
    }

    @Test
    void committedPartsAreVisibleUnderFinalNamesWithAMarkerListingThem() throws IOException {
        BatchOutput out = output(Compression.GZIP);
        writePart(out, "part-00000", "{\"n\":1}");
        writePart(out, "country=fr/part-00001", "{\"n\":2}", "{\"n\":3}");

        out.commit("run-1", List.of("part-00000", "country=fr/part-00001"));

        BatchInput in = input();
        assertThat(in.objects()).containsExactly("country=fr/part-00001.jsonl.gz", "part-00000.jsonl.gz");
        assertThat(FileBatchInputTest.read(in, "country=fr/part-00001.jsonl.gz")).extracting(Record::valueAsString)
                .containsExactly("{\"n\":2}", "{\"n\":3}");
        JsonNode marker = json.readTree(dir.resolve("_geniusrise/commit-run-1.json").toFile());
        assertThat(marker.get("runId").asText()).isEqualTo("run-1");
        assertThat(marker.get("parts")).extracting(JsonNode::asText)
                .containsExactly("part-00000.jsonl.gz", "country=fr/part-00001.jsonl.gz");
        assertThat(Instant.parse(marker.get("committedAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(filesUnder(dir.resolve("_geniusrise"))).containsExactly("commit-run-1.json");
    }

    @Test
    void pendingMarkerWithoutItsCommitHidesItsParts() throws IOException {
        BatchOutput first = output(Compression.NONE);
        writePart(first, "a", "{\"v\":1}");
        writePart(first, "b", "{\"v\":1}");
        first.commit("run-1", List.of("a", "b"));
        // a second run crashed after writing its pending marker and moving part a
        Files.writeString(dir.resolve("_geniusrise/pending-run-2.json"),
                "{\"runId\":\"run-2\",\"parts\":[\"a.jsonl\"],\"attempt\":\"crashed\"}");

        assertThat(input().objects()).containsExactly("b.jsonl");
    }

    @Test
    void pendingMarkerOfAnotherAttemptThanTheCommitHidesItsParts() throws IOException {
        BatchOutput first = output(Compression.NONE);
        writePart(first, "a", "{\"v\":1}");
        first.commit("run-1", List.of("a"));
        // a re-run of run-1 crashed mid-commit: the old commit marker is still there
        Files.writeString(dir.resolve("_geniusrise/pending-run-1.json"),
                "{\"runId\":\"run-1\",\"parts\":[\"a.jsonl\"],\"attempt\":\"re-run\"}");

        assertThat(input().objects()).isEmpty();
    }

    @Test
    void stalePendingMarkerIsOverruledByALaterCommitOfTheSameParts() throws IOException {
        Path pending = Files.createDirectories(dir.resolve("_geniusrise")).resolve("pending-crashed.json");
        Files.writeString(pending, "{\"runId\":\"crashed\",\"parts\":[\"a.jsonl\",\"b.jsonl\"],\"attempt\":\"x\"}");
        Files.setLastModifiedTime(pending, FileTime.from(Instant.now().minusSeconds(3600)));

        BatchOutput rerun = output(Compression.NONE);
        writePart(rerun, "a", "{\"v\":1}");
        rerun.commit("rerun", List.of("a"));

        assertThat(input().objects()).containsExactly("a.jsonl");
    }

    @Test
    void recommitWithTheSameRunIdReplacesTheMarkerAndTheParts() throws IOException {
        BatchOutput first = output(Compression.NONE);
        writePart(first, "a", "{\"v\":1}");
        writePart(first, "b", "{\"v\":1}");
        first.commit("run-1", List.of("a", "b"));

        BatchOutput again = output(Compression.NONE);
        writePart(again, "a", "{\"v\":2}");
        again.commit("run-1", List.of("a"));

        BatchInput in = input();
        assertThat(in.objects()).containsExactly("a.jsonl");
        assertThat(FileBatchInputTest.read(in, "a.jsonl")).extracting(Record::valueAsString)
                .containsExactly("{\"v\":2}");
        assertThat(json.readTree(dir.resolve("_geniusrise/commit-run-1.json").toFile()).get("parts"))
                .extracting(JsonNode::asText).containsExactly("a.jsonl");
    }

    @Test
    void commitsOfSeveralRunsAreAllVisible() throws IOException {
        BatchOutput one = output(Compression.NONE);
        writePart(one, "dt=1/part-0", "{}");
        one.commit("2024-01-01T00:00Z", List.of("dt=1/part-0"));
        BatchOutput two = output(Compression.NONE);
        writePart(two, "dt=2/part-0", "{}");
        two.commit("2024-01-02T00:00Z", List.of("dt=2/part-0"));

        assertThat(input().objects()).containsExactly("dt=1/part-0.jsonl", "dt=2/part-0.jsonl");
        assertThat(filesUnder(dir.resolve("_geniusrise")))
                .containsExactly("commit-2024-01-01T00%3A00Z.json", "commit-2024-01-02T00%3A00Z.json");
    }

    @Test
    void abortLeavesNothing() throws IOException {
        BatchOutput out = output(Compression.GZIP);
        writePart(out, "part-0", "{}");
        try (PartWriter open = out.createPart("sub/part-1")) {
            open.write(Record.of("{}"));
            out.abort();
        }

        assertThat(filesUnder(dir)).isEmpty();
        assertThat(input().objects()).isEmpty();
    }

    @Test
    void abortKeepsEarlierCommits() throws IOException {
        BatchOutput first = output(Compression.NONE);
        writePart(first, "a", "{}");
        first.commit("run-1", List.of("a"));
        BatchOutput second = output(Compression.NONE);
        writePart(second, "b", "{}");
        second.abort();

        assertThat(input().objects()).containsExactly("a.jsonl");
        assertThat(filesUnder(dir)).containsExactly("_geniusrise", "_geniusrise/commit-run-1.json", "a.jsonl");
    }

    @Test
    void closingWithoutCommitAbortsAndCommitRemovesUnlistedParts() throws IOException {
        try (BatchOutput out = output(Compression.NONE)) {
            writePart(out, "kept", "{}");
            writePart(out, "dropped", "{}");
            out.commit("run-1", List.of("kept"));
            writePart(out, "late", "{}");
        }

        assertThat(filesUnder(dir)).containsExactly("_geniusrise", "_geniusrise/commit-run-1.json", "kept.jsonl");
    }

    @Test
    void commitRefusesPartsStillOpenOrNotCreatedAndPublishesNothing() throws IOException {
        BatchOutput out = output(Compression.NONE);
        writePart(out, "done", "{}");
        try (PartWriter open = out.createPart("open")) {
            open.write(Record.of("{}"));
            assertThatThrownBy(() -> out.commit("run-1", List.of("done", "open")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'open' is still open");
        }
        assertThatThrownBy(() -> out.commit("run-1", List.of("done", "never")))
                .isInstanceOf(IOException.class).hasMessageContaining("'never' was not created");
        assertThat(input().objects()).isEmpty();
        assertThat(Files.exists(dir.resolve("done.jsonl"))).isFalse();
    }

    @Test
    void partWriterCountsUncompressedBytes() throws IOException {
        BatchOutput out = output(Compression.GZIP);
        PartWriter w = out.createPart("p");
        String value = "{\"value\":\"" + "a".repeat(47) + "\"}";
        for (int i = 0; i < 1000; i++) {
            w.write(Record.of(value));
        }
        w.close();
        out.commit("r", List.of("p"));

        assertThat(w.bytesWritten()).isEqualTo(1000L * (value.length() + 1));
        assertThat(Files.size(dir.resolve("p.jsonl.gz"))).isLessThan(w.bytesWritten() / 10);
    }

    @Test
    void partNamesMustBeRelativeVisibleAndUnique() throws IOException {
        BatchOutput out = output(Compression.NONE);
        for (String bad : new String[] {"", "/abs", "a/../b", "a//b", "_tmp/p", "dir/.hidden"}) {
            assertThatThrownBy(() -> out.createPart(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        out.createPart("p").close();
        assertThatThrownBy(() -> out.createPart("p")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already created");
        out.abort();
    }

    @Test
    void partsWrittenFromSeveralThreadsCommitTogether() throws Exception {
        BatchOutput out = output(Compression.GZIP);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> names = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String name = "shard=" + (i % 2) + "/part-" + i;
            names.add(pool.submit(() -> {
                writePart(out, name, "{\"i\":1}", "{\"i\":2}");
                return name;
            }));
        }
        List<String> parts = new ArrayList<>();
        for (Future<String> f : names) {
            parts.add(f.get());
        }
        pool.shutdown();
        out.commit("run-1", parts);

        BatchInput in = input();
        assertThat(in.objects()).hasSize(8).allMatch(n -> n.endsWith(".jsonl.gz"));
        for (String o : in.objects()) {
            assertThat(FileBatchInputTest.read(in, o)).hasSize(2);
        }
    }

    @Test
    void csvPartsRoundTripThroughFiles() throws IOException {
        BatchOutput out = storage.openOutput(BatchOutputConfig.builder(dir.toUri().toString()).format(Format.CSV)
                .build(), null);
        writePart(out, "rows", "{\"a\":1,\"b\":\"x\"}", "{\"a\":2,\"b\":\"y\"}");
        out.commit("r", List.of("rows"));

        BatchInput in = storage.openInput(BatchInputConfig.builder(dir.toString()).format(Format.CSV).build(), null);
        assertThat(in.objects()).containsExactly("rows.csv");
        assertThat(FileBatchInputTest.read(in, "rows.csv")).extracting(Record::valueAsString)
                .containsExactly("{\"a\":\"1\",\"b\":\"x\"}", "{\"a\":\"2\",\"b\":\"y\"}");
    }

    @Test
    void destinationThatIsAFileIsRefused() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        assertThatThrownBy(() -> storage.openOutput(BatchOutputConfig.builder(f.toString()).build(), null))
                .isInstanceOf(IOException.class).hasMessageContaining(f.toString()).hasMessageContaining("not a folder");
    }
}
