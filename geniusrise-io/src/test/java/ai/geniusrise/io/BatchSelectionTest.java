package ai.geniusrise.io;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.RecordReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which objects a batch bolt reads ({@code select: new}, date-time fields in the source) and
 * where its output goes (date-time fields in the destination and in {@code partitionBy}), run by
 * the real runtime over local files.
 */
@Timeout(60)
class BatchSelectionTest {

    private static final AtomicLong STATES = new AtomicLong();
    private static final Instant AT = Instant.parse("2024-05-01T10:17:00Z");

    @TempDir
    Path dir;

    /** Passes values on; fails on "poison"; stamps a record with its "ts" field (epoch ms) when it has one. */
    public static final class StampingBolt extends Bolt {
        @Override
        protected void process(Record in, Emitter out) {
            if (in.valueAsString().contains("poison")) {
                throw new IllegalArgumentException("poisoned");
            }
            var ts = in.valueAsJson().get("ts");
            out.emit(ts == null ? in : in.withTimestamp(ts.asLong()));
        }
    }

    /** Counts records and emits the count from flush. */
    public static final class CountingBolt extends Bolt {
        private final AtomicLong count = new AtomicLong();

        @Override
        protected void process(Record in, Emitter out) {
            count.incrementAndGet();
        }

        @Override
        protected void flush(Emitter out) {
            out.emit(Record.of("{\"count\":" + count.get() + "}"));
        }
    }

    private void write(String relative, int lines, String tag) throws IOException {
        Path file = dir.resolve("in").resolve(relative);
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append("{\"id\":\"").append(tag).append('-').append(i).append("\"}\n");
        }
        Files.writeString(file, sb.toString());
    }

    private TaskSpec spec(BatchInputConfig in, BatchOutputConfig out, String state, ErrorPolicy errors) {
        return TaskSpec.builder("select", TaskSpec.Kind.BOLT).taskClass(StampingBolt.class).input(in).output(out)
                .state(SharedMemoryState.config(state)).errors(errors).build();
    }

    private static RunSummary run(TaskSpec spec, Bolt bolt) {
        return TaskRunner.builder(spec).pipelineName("test").task(bolt).logicalTime(AT).build().run();
    }

    /** What a reader of our outputs sees under {@code location}: committed parts by name, with their lines. */
    private static TreeMap<String, List<String>> visible(Path location) throws IOException {
        TreeMap<String, List<String>> parts = new TreeMap<>();
        BatchInputConfig config = BatchInputConfig.builder(location.toString()).build();
        try (BatchInput in = BatchStorage.forScheme("file", "source").openInput(config, null)) {
            for (String name : in.objects()) {
                List<String> lines = new ArrayList<>();
                try (RecordReader r = in.open(name)) {
                    for (Record rec = r.next(); rec != null; rec = r.next()) {
                        lines.add(rec.valueAsString());
                    }
                }
                parts.put(name, lines);
            }
        }
        return parts;
    }

    private static List<String> lines(TreeMap<String, List<String>> parts) {
        return parts.values().stream().flatMap(List::stream).toList();
    }

    @Test
    void withSelectNewASecondRunReadsOnlyTheObjectAddedSince() throws Exception {
        write("a.jsonl", 100, "a");
        write("b.jsonl", 100, "b");
        String state = "s" + STATES.incrementAndGet();
        BatchInputConfig in = BatchInputConfig.builder(dir.resolve("in").toString()).parallelism(2)
                .select(BatchInputConfig.Selection.NEW).build();
        TaskSpec spec = spec(in, BatchOutputConfig.builder(dir.resolve("out").toString()).build(), state,
                ErrorPolicy.FAIL);

        assertThat(run(spec, new StampingBolt()).recordsIn()).isEqualTo(200);
        assertThat(run(spec, new StampingBolt()).recordsIn()).as("nothing is new").isZero();
        write("c.jsonl", 50, "c");
        assertThat(run(spec, new StampingBolt()).recordsIn()).as("only c is new").isEqualTo(50);

        List<String> out = lines(visible(dir.resolve("out")));
        assertThat(out).hasSize(250).doesNotHaveDuplicates();
        assertThat(SharedMemoryState.store(state).keys("test/select/input/done/")).hasSize(3);
    }

    @Test
    void aFailedRunMarksNoObjectDone() throws Exception {
        write("a.jsonl", 100, "a");
        Files.writeString(dir.resolve("in/z.jsonl"), "{\"id\":\"poison\"}\n");
        String state = "s" + STATES.incrementAndGet();
        BatchInputConfig in = BatchInputConfig.builder(dir.resolve("in").toString())
                .select(BatchInputConfig.Selection.NEW).build();
        TaskSpec spec = spec(in, BatchOutputConfig.builder(dir.resolve("out").toString()).build(), state,
                ErrorPolicy.FAIL);

        assertThatThrownBy(() -> run(spec, new StampingBolt())).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("z.jsonl:1");
        assertThat(SharedMemoryState.store(state).keys("")).as("nothing remembered").isEmpty();
        assertThat(visible(dir.resolve("out"))).isEmpty();

        Files.delete(dir.resolve("in/z.jsonl"));
        assertThat(run(spec, new StampingBolt()).recordsIn()).as("a was not marked by the failed run").isEqualTo(100);
    }

    @Test
    void theFlushOutputOfIncrementalRunsAddsUpInsteadOfReplacingTheEarlierOne() throws Exception {
        write("a.jsonl", 3, "a");
        String state = "s" + STATES.incrementAndGet();
        BatchInputConfig in = BatchInputConfig.builder(dir.resolve("in").toString())
                .select(BatchInputConfig.Selection.NEW).build();
        TaskSpec spec = spec(in, BatchOutputConfig.builder(dir.resolve("out").toString()).build(), state,
                ErrorPolicy.FAIL);

        run(spec, new CountingBolt());
        write("b.jsonl", 5, "b");
        run(spec, new CountingBolt());

        assertThat(lines(visible(dir.resolve("out")))).containsExactlyInAnyOrder("{\"count\":3}", "{\"count\":5}");
    }

    @Test
    void dateTimeFieldsInSourceAndDestinationAreTheLogicalTimes() throws Exception {
        write("dt=2024-04-30/x.jsonl", 10, "old");
        write("dt=2024-05-01/y.jsonl", 20, "today");
        BatchInputConfig in = BatchInputConfig.builder(dir.resolve("in").toString() + "/dt={yyyy-MM-dd}").build();
        BatchOutputConfig out = BatchOutputConfig.builder(dir.resolve("out").toString() + "/day={yyyyMMdd}").build();

        RunSummary summary = run(spec(in, out, "s" + STATES.incrementAndGet(), ErrorPolicy.FAIL), new StampingBolt());

        assertThat(summary.recordsIn()).isEqualTo(20);
        assertThat(summary.output()).isEqualTo(dir.resolve("out/day=20240501").toString());
        assertThat(lines(visible(dir.resolve("out/day=20240501")))).hasSize(20).allMatch(l -> l.contains("today"));
    }

    @Test
    void timePartitionsFollowTheRecordTimestampElseTheLogicalTime() throws Exception {
        Files.createDirectories(dir.resolve("in"));
        long elevenPm = Instant.parse("2024-04-30T23:05:00Z").toEpochMilli();
        Files.writeString(dir.resolve("in/e.jsonl"), "{\"id\":1,\"ts\":" + elevenPm + "}\n{\"id\":2}\n{\"id\":3}\n");
        BatchOutputConfig out = BatchOutputConfig.builder(dir.resolve("out").toString())
                .partitionBy("dt={yyyy-MM-dd}/hour={HH}").build();

        run(spec(BatchInputConfig.builder(dir.resolve("in").toString()).build(), out, "s" + STATES.incrementAndGet(),
                ErrorPolicy.FAIL), new StampingBolt());

        TreeMap<String, List<String>> parts = visible(dir.resolve("out"));
        Map<String, Integer> byFolder = new TreeMap<>();
        parts.forEach((name, l) -> byFolder.merge(name.substring(0, name.lastIndexOf('/')), l.size(), Integer::sum));
        assertThat(byFolder).containsExactly(Map.entry("dt=2024-04-30/hour=23", 1), Map.entry("dt=2024-05-01/hour=10", 2));
    }
}
