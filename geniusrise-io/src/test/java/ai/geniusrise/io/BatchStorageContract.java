package ai.geniusrise.io;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.core.spi.RecordReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link BatchStorage} promises, written once: extend it with a storage and a fresh,
 * empty location per test (local folder, S3 prefix, ...). Only the SPI is used here; checks of a
 * storage's own layout belong in its own tests.
 */
public abstract class BatchStorageContract {

    /** The storage under test. */
    protected abstract BatchStorage storage();

    /** A location no other test uses, empty or absent. */
    protected abstract String location();

    /**
     * What uncommitted attempts left stored under the location: temporary files, uploads in
     * progress.
     */
    protected abstract int leftovers() throws IOException;

    protected BatchOutput output(Format format, Compression compression) throws IOException {
        return storage().openOutput(BatchOutputConfig.builder(location()).format(format).compression(compression)
                .build(), null);
    }

    protected BatchOutput output() throws IOException {
        return output(Format.JSONL, Compression.NONE);
    }

    protected BatchInput input(Format format, String glob) throws IOException {
        return storage().openInput(BatchInputConfig.builder(location()).format(format).glob(glob).build(), null);
    }

    protected BatchInput input() throws IOException {
        return input(Format.JSONL, null);
    }

    protected static void writePart(BatchOutput out, String name, String... values) throws IOException {
        try (PartWriter w = out.createPart(name)) {
            for (String v : values) {
                w.write(Record.of(v));
            }
        }
    }

    protected static List<String> read(BatchInput in, String object) throws IOException {
        List<String> values = new ArrayList<>();
        try (RecordReader r = in.open(object)) {
            for (Record rec = r.next(); rec != null; rec = r.next()) {
                values.add(rec.valueAsString());
            }
        }
        return values;
    }

    /** Objects the input lists, or none if the location does not exist yet. */
    private List<String> visible() throws IOException {
        try {
            return input().objects();
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        }
    }

    /** Lets the clock move on, so that what comes next is strictly later than what came before. */
    private static void nextMillisecond() {
        long now = System.currentTimeMillis();
        while (System.currentTimeMillis() <= now + 1) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aCommitRemovesWhatKilledAttemptsAtTheSameWorkLeftBehind() throws IOException {
        BatchOutput killed = output(); // never committed, aborted nor closed: its process was killed
        writePart(killed, "part-t-0a1b-00000", "{\"n\":1}");
        writePart(killed, "part-t-0a1b-00001", "{\"n\":2}");
        writePart(killed, "dt=2024-05-01/part-t-0a1b-00000", "{\"n\":3}");
        assertThat(leftovers()).isEqualTo(3);
        nextMillisecond();

        BatchOutput rerun = output();
        writePart(rerun, "dt=2024-05-02/part-t-0a1b-00000", "{\"n\":1}");
        rerun.commit("run-2", List.of("dt=2024-05-02/part-t-0a1b-00000"));
        rerun.close();

        assertThat(leftovers()).as("what the killed attempt left").isZero();
        assertThat(visible()).containsExactly("dt=2024-05-02/part-t-0a1b-00000.jsonl");
    }

    @Test
    void aCommitLeavesTheUncommittedPartsOfOtherWorkAlone() throws IOException {
        BatchOutput shard0 = output();
        writePart(shard0, "part-t-0a1b-00000", "{\"n\":1}");
        writePart(shard0, "part-t-flush-shard-0-00000", "{\"n\":2}");
        nextMillisecond();
        BatchOutput shard1 = output();
        writePart(shard1, "part-t-2c3d-00000", "{\"n\":3}");
        writePart(shard1, "part-t-flush-shard-1-00000", "{\"n\":4}");
        shard1.commit("run-1-shard-1", List.of("part-t-2c3d-00000", "part-t-flush-shard-1-00000"));
        shard1.close();

        assertThat(leftovers()).as("shard 0's parts, still to be committed").isEqualTo(2);
        shard0.commit("run-1-shard-0", List.of("part-t-0a1b-00000", "part-t-flush-shard-0-00000"));
        shard0.close();
        assertThat(visible()).containsExactlyInAnyOrder("part-t-0a1b-00000.jsonl", "part-t-flush-shard-0-00000.jsonl",
                "part-t-2c3d-00000.jsonl", "part-t-flush-shard-1-00000.jsonl");
        assertThat(leftovers()).isZero();
    }

    @Test
    void uncommittedPartsAreInvisibleToReaders() throws IOException {
        BatchOutput out = output();
        writePart(out, "part-00000", "{\"n\":1}");
        writePart(out, "country=fr/part-00001", "{\"n\":2}");

        assertThat(visible()).isEmpty();
        out.abort();
    }

    @Test
    void committedPartsAreVisibleUnderTheirNamesWithTheFormatsSuffix() throws IOException {
        BatchOutput out = output(Format.JSONL, Compression.GZIP);
        writePart(out, "part-00000", "{\"n\":1}");
        writePart(out, "country=fr/part-00001", "{\"n\":2}", "{\"n\":3}");

        out.commit("run-1", List.of("part-00000", "country=fr/part-00001"));

        BatchInput in = input();
        assertThat(in.objects()).containsExactly("country=fr/part-00001.jsonl.gz", "part-00000.jsonl.gz");
        assertThat(read(in, "country=fr/part-00001.jsonl.gz")).containsExactly("{\"n\":2}", "{\"n\":3}");
    }

    static Stream<Arguments> formatsAndCompressions() {
        return Stream.of(Format.values()).flatMap(f -> (f.hasSchema()
                ? Stream.of(Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.ZSTD)
                : Stream.of(Compression.NONE, Compression.GZIP)).map(c -> Arguments.of(f, c)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("formatsAndCompressions")
    void everyFormatAndCompressionRoundTripsThroughTheStorage(Format format, Compression compression)
            throws IOException {
        String value = format == Format.TEXT ? "plain text, with commas" : "{\"a\":\"1\",\"b\":\"x y\"}";
        BatchOutput out = output(format, compression);
        writePart(out, "part-0", value);
        out.commit("run-1", List.of("part-0"));

        BatchInput in = input(format, null);
        String object = "part-0." + format.extension()
                + (compression == Compression.GZIP && !format.hasSchema() ? ".gz" : "");
        assertThat(in.objects()).containsExactly(object);
        assertThat(read(in, object)).containsExactly(value);
    }

    @Test
    void recommitWithTheSameRunIdReplacesTheRunsParts() throws IOException {
        BatchOutput first = output();
        writePart(first, "a", "{\"v\":1}");
        writePart(first, "b", "{\"v\":1}");
        first.commit("run-1", List.of("a", "b"));

        BatchOutput again = output();
        writePart(again, "a", "{\"v\":2}");
        again.commit("run-1", List.of("a"));

        BatchInput in = input();
        assertThat(in.objects()).containsExactly("a.jsonl");
        assertThat(read(in, "a.jsonl")).containsExactly("{\"v\":2}");
    }

    @Test
    void commitsOfSeveralRunsAreAllVisible() throws IOException {
        BatchOutput one = output();
        writePart(one, "dt=1/part-0", "{}");
        one.commit("2024-01-01T00:00Z", List.of("dt=1/part-0"));
        BatchOutput two = output();
        writePart(two, "dt=2/part-0", "{}");
        two.commit("2024-01-02T00:00Z", List.of("dt=2/part-0"));

        assertThat(input().objects()).containsExactly("dt=1/part-0.jsonl", "dt=2/part-0.jsonl");
    }

    @Test
    void abortedPartsAreNeverVisibleAndEarlierCommitsStay() throws IOException {
        BatchOutput first = output();
        writePart(first, "a", "{}");
        first.commit("run-1", List.of("a"));
        BatchOutput second = output();
        writePart(second, "b", "{}");
        second.abort();

        assertThat(input().objects()).containsExactly("a.jsonl");
    }

    @Test
    void commitPublishesOnlyTheListedParts() throws IOException {
        try (BatchOutput out = output()) {
            writePart(out, "kept", "{}");
            writePart(out, "dropped", "{}");
            out.commit("run-1", List.of("kept"));
        }
        assertThat(input().objects()).containsExactly("kept.jsonl");
    }

    @Test
    void commitRefusesPartsStillOpenOrNotCreatedAndPublishesNothing() throws IOException {
        BatchOutput out = output();
        writePart(out, "done", "{}");
        try (PartWriter open = out.createPart("open")) {
            open.write(Record.of("{}"));
            assertThatThrownBy(() -> out.commit("run-1", List.of("done", "open")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'open'");
        }
        assertThatThrownBy(() -> out.commit("run-1", List.of("done", "never")))
                .isInstanceOf(IOException.class).hasMessageContaining("'never'");
        assertThat(visible()).isEmpty();
        out.abort();
    }

    @Test
    void partNamesMustBeRelativeVisibleAndUnique() throws IOException {
        BatchOutput out = output();
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
        BatchOutput out = output(Format.JSONL, Compression.GZIP);
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
            assertThat(read(in, o)).hasSize(2);
        }
    }

    @Test
    void globFiltersCommittedNames() throws IOException {
        BatchOutput out = output();
        writePart(out, "top", "{}");
        writePart(out, "dt=1/nested", "{}");
        out.commit("r", List.of("top", "dt=1/nested"));

        assertThat(input(Format.JSONL, "*.jsonl").objects()).containsExactly("top.jsonl");
        assertThat(input(Format.JSONL, "dt=*/*").objects()).containsExactly("dt=1/nested.jsonl");
    }

    @Test
    void partWriterCountsUncompressedBytes() throws IOException {
        BatchOutput out = output(Format.JSONL, Compression.GZIP);
        String value = "{\"value\":\"" + "a".repeat(47) + "\"}";
        PartWriter w = out.createPart("p");
        for (int i = 0; i < 1000; i++) {
            w.write(Record.of(value));
        }
        w.close();
        out.commit("r", List.of("p"));

        assertThat(w.bytesWritten()).isEqualTo(1000L * (value.length() + 1));
    }

    @Test
    void listsTheRunsCommittedUnderTheDestinationByAnyOutputByIdPrefix() throws IOException {
        try (BatchOutput empty = output()) {
            assertThat(empty.committedRunIds("")).as("nothing written yet").isEmpty();
        }
        for (String runId : List.of("t+0+1+5", "t+0+6+9", "t+10+1+2", "other", "t+0+odd/id ü")) {
            try (BatchOutput out = output()) {
                writePart(out, "p-" + Math.abs(runId.hashCode()), "{}");
                out.commit(runId, List.of("p-" + Math.abs(runId.hashCode())));
            }
        }
        try (BatchOutput uncommitted = output()) {
            writePart(uncommitted, "never", "{}");
            try (BatchOutput reader = output()) {
                assertThat(reader.committedRunIds("t+0+")).as("committed runs only, by any output, ids decoded")
                        .containsExactlyInAnyOrder("t+0+1+5", "t+0+6+9", "t+0+odd/id ü");
                assertThat(reader.committedRunIds("")).hasSize(5);
                assertThat(reader.committedRunIds("nope")).isEmpty();
            }
        }
    }
}
