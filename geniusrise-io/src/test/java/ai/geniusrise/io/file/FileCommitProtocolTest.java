package ai.geniusrise.io.file;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
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
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The on-disk side of the local commit protocol; the storage-agnostic side is {@link FileBatchStorageContractTest}. */
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

    private JsonNode marker(String name) throws IOException {
        return json.readTree(dir.resolve("_geniusrise").resolve(name).toFile());
    }

    @Test
    void uncommittedPartsWaitInTheAttemptsTemporaryFolder() throws IOException {
        BatchOutput out = output(Compression.GZIP);
        writePart(out, "country=fr/part-00001", "{\"n\":2}");

        assertThat(filesUnder(dir)).hasSize(5).allMatch(p -> p.startsWith("_geniusrise"))
                .anyMatch(p -> p.matches("_geniusrise/tmp/[0-9a-f-]{36}/country=fr/part-00001\\.jsonl\\.gz"));
        assertThat(input().objects()).isEmpty();
        out.abort();
    }

    @Test
    void commitMovesPartsAndWritesAMarkerListingThemThenCleansUp() throws IOException {
        BatchOutput out = output(Compression.GZIP);
        writePart(out, "part-00000", "{\"n\":1}");
        writePart(out, "country=fr/part-00001", "{\"n\":2}");
        Instant before = Instant.now();

        out.commit("run-1", List.of("part-00000", "country=fr/part-00001"));

        assertThat(filesUnder(dir)).containsExactly("_geniusrise", "_geniusrise/commit-run-1.json", "country=fr",
                "country=fr/part-00001.jsonl.gz", "part-00000.jsonl.gz");
        JsonNode marker = marker("commit-run-1.json");
        assertThat(marker.get("runId").asText()).isEqualTo("run-1");
        assertThat(marker.get("parts")).extracting(JsonNode::asText)
                .containsExactly("part-00000.jsonl.gz", "country=fr/part-00001.jsonl.gz");
        assertThat(Instant.parse(marker.get("committedAt").asText()))
                .isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
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
    void recommitWithTheSameRunIdReplacesTheMarker() throws IOException {
        BatchOutput first = output(Compression.NONE);
        writePart(first, "a", "{\"v\":1}");
        writePart(first, "b", "{\"v\":1}");
        first.commit("run-1", List.of("a", "b"));
        String firstAttempt = marker("commit-run-1.json").get("attempt").asText();

        BatchOutput again = output(Compression.NONE);
        writePart(again, "a", "{\"v\":2}");
        again.commit("run-1", List.of("a"));

        JsonNode replaced = marker("commit-run-1.json");
        assertThat(replaced.get("parts")).extracting(JsonNode::asText).containsExactly("a.jsonl");
        assertThat(replaced.get("attempt").asText()).isNotEqualTo(firstAttempt);
        assertThat(filesUnder(dir.resolve("_geniusrise"))).containsExactly("commit-run-1.json");
    }

    @Test
    void runIdsAreKeptInMarkersAndEscapedInTheirFileNames() throws IOException {
        BatchOutput out = output(Compression.NONE);
        writePart(out, "p", "{}");
        out.commit("2024-01-01T00:00Z/retry 1", List.of("p"));

        assertThat(filesUnder(dir.resolve("_geniusrise"))).containsExactly("commit-2024-01-01T00%3A00Z%2Fretry%201.json");
        assertThat(marker("commit-2024-01-01T00%3A00Z%2Fretry%201.json").get("runId").asText())
                .isEqualTo("2024-01-01T00:00Z/retry 1");
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
    }

    @Test
    void abortKeepsEarlierCommitsOnDisk() throws IOException {
        BatchOutput first = output(Compression.NONE);
        writePart(first, "a", "{}");
        first.commit("run-1", List.of("a"));
        BatchOutput second = output(Compression.NONE);
        writePart(second, "b", "{}");
        second.abort();

        assertThat(filesUnder(dir)).containsExactly("_geniusrise", "_geniusrise/commit-run-1.json", "a.jsonl");
    }

    @Test
    void closingWithoutCommitAbortsAndCommitDeletesUnlistedParts() throws IOException {
        try (BatchOutput out = output(Compression.NONE)) {
            writePart(out, "kept", "{}");
            writePart(out, "dropped", "{}");
            out.commit("run-1", List.of("kept"));
            writePart(out, "late", "{}");
        }

        assertThat(filesUnder(dir)).containsExactly("_geniusrise", "_geniusrise/commit-run-1.json", "kept.jsonl");
    }

    @Test
    void gzipPartsAreCompressedOnDisk() throws IOException {
        BatchOutput out = output(Compression.GZIP);
        PartWriter w = out.createPart("p");
        for (int i = 0; i < 1000; i++) {
            w.write(Record.of("{\"value\":\"" + "a".repeat(47) + "\"}"));
        }
        w.close();
        out.commit("r", List.of("p"));

        assertThat(Files.size(dir.resolve("p.jsonl.gz"))).isLessThan(w.bytesWritten() / 10);
    }

    @Test
    void filesBesideAnOutputsMarkerFolderAreNotListed() throws IOException {
        BatchOutput out = output(Compression.NONE);
        writePart(out, "a", "{}");
        out.commit("r", List.of("a"));
        Files.writeString(dir.resolve("stray.jsonl"), "{}");

        assertThat(input().objects()).containsExactly("a.jsonl");
    }

    @Test
    void destinationThatIsAFileIsRefused() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        assertThatThrownBy(() -> storage.openOutput(BatchOutputConfig.builder(f.toString()).build(), null))
                .isInstanceOf(IOException.class).hasMessageContaining(f.toString()).hasMessageContaining("not a folder");
    }
}
