package ai.geniusrise.io.file;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.BatchOutputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a batch run's summary and dead letters say about the records a bolt took in. */
@Timeout(60)
class BatchRunAccountingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * By the value's "do" field: "drop" emits nothing, "twice" emits two records, "letter" sends a
     * dead letter itself, "fail" throws, "json" parses its own bad JSON with Jackson; else one record.
     */
    public static final class SortingBolt extends Bolt {
        @Override
        protected void process(Record in, Emitter out) throws Exception {
            String action = in.valueAsJson().path("do").asText();
            switch (action) {
                case "drop" -> {
                }
                case "twice" -> {
                    out.emit(in);
                    out.emit(in);
                }
                case "letter" -> out.deadLetter(in, "unwanted");
                case "fail" -> throw new IllegalStateException("cannot handle id " + in.valueAsJson().path("id"));
                case "json" -> JSON.readTree("{\"unclosed\": ");
                default -> out.emit(in);
            }
        }
    }

    /** Emits nothing per record and a count from flush: it aggregates, it drops nothing. */
    public static final class CountingBolt extends Bolt {
        private long count;

        @Override
        protected void process(Record in, Emitter out) {
            count++;
        }

        @Override
        protected void flush(Emitter out) {
            out.emit(Record.of("{\"count\":" + count + "}"));
        }
    }

    private RunSummary run(Bolt bolt, String... lines) throws IOException {
        Files.createDirectories(dir.resolve("in"));
        Files.writeString(dir.resolve("in/a.jsonl"), String.join("\n", lines) + "\n");
        TaskSpec spec = TaskSpec.builder("sort", TaskSpec.Kind.BOLT).taskClass(bolt.getClass())
                .input(BatchInputConfig.builder(dir.resolve("in").toString()).build())
                .output(BatchOutputConfig.builder(dir.resolve("out").toString()).build())
                .errors(ErrorPolicy.DEAD_LETTER).build();
        return TaskRunner.builder(spec).pipelineName("test").task(bolt).build().run();
    }

    @Test
    void theSummaryCountsRecordsForWhichProcessEmittedNothingAsDropped() throws IOException {
        RunSummary summary = run(new SortingBolt(), "{\"id\":1}", "{\"id\":2,\"do\":\"drop\"}",
                "{\"id\":3,\"do\":\"twice\"}", "{\"id\":4,\"do\":\"letter\"}", "{\"id\":5,\"do\":\"fail\"}",
                "{\"id\":6,\"do\":\"drop\"}", "not json");

        assertThat(summary.recordsIn()).isEqualTo(7);
        assertThat(summary.recordsOut()).isEqualTo(3);
        assertThat(summary.deadLettered()).isEqualTo(3);
        assertThat(summary.dropped()).as("ids 2 and 6").isEqualTo(2);
    }

    @Test
    void aBoltThatAggregatesIntoItsFlushOutputDropsNothing() throws IOException {
        RunSummary summary = run(new CountingBolt(), "{\"id\":1}", "{\"id\":2}", "{\"id\":3}");

        assertThat(summary.recordsOut()).isEqualTo(1);
        assertThat(summary.dropped()).isZero();
    }

    @Test
    void aDeadLetterNamesTheExceptionAndItsMessageWithoutJacksonsRedactedSource() throws IOException {
        run(new SortingBolt(), "{\"id\":5,\"do\":\"fail\"}", "{\"id\":7,\"do\":\"json\"}", "{\"id\":8} xyz");

        Map<String, JsonNode> letters = new java.util.TreeMap<>();
        for (String line : BatchOutputs.values(dir.resolve("out/_dead-letter").toString(), Map.of())) {
            JsonNode letter = JSON.readTree(line);
            letters.put(letter.get("position").asText(), letter);
        }
        assertThat(letters).containsOnlyKeys("a.jsonl:1", "a.jsonl:2", "a.jsonl:3");
        assertThat(letters.get("a.jsonl:1").get("reason").asText())
                .isEqualTo("IllegalStateException: cannot handle id 5");
        JsonNode jackson = letters.get("a.jsonl:2");
        assertThat(jackson.get("reason").asText()).startsWith("JsonEOFException: Unexpected end-of-input");
        assertThat(List.of(jackson.get("reason").asText(), jackson.get("message").asText()))
                .allSatisfy(text -> assertThat(text).doesNotContain("REDACTED").doesNotContain("Source:"));
        assertThat(letters.get("a.jsonl:3").get("reason").asText())
                .as("trailing text after a JSON value is not JSON")
                .startsWith("RecordFormatException: a.jsonl:3: value is not JSON: Unrecognized token 'xyz'");
    }
}
