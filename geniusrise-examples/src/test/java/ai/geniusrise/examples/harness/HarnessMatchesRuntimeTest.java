package ai.geniusrise.examples.harness;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.BatchOutputs;
import ai.geniusrise.testkit.DeadLetter;
import ai.geniusrise.testkit.TaskHarness;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test kit's harness applies a task's error policy through the runtime's own code: what a
 * test sees of a bad record (skipped or dead-lettered, with which reason) is what a run does.
 */
class HarnessMatchesRuntimeTest {

    /** Upper-cases its records and throws on the word "poison". */
    public static final class Picky extends Bolt {
        @Override
        protected void process(Record in, Emitter out) {
            if (in.valueAsString().equals("poison")) {
                throw new IllegalStateException("poison");
            }
            out.emit(in.withValue(in.valueAsString().toUpperCase()));
        }
    }

    @TempDir
    Path dir;

    @Test
    void aDeadLetterHasTheSameReasonInTheHarnessAsInARun() throws IOException {
        Files.createDirectories(dir.resolve("in"));
        Files.writeString(dir.resolve("in/words.txt"), "ok\npoison\nfine\n");
        TaskSpec spec = TaskSpec.builder("picky", TaskSpec.Kind.BOLT)
                .input(BatchInputConfig.builder(dir.resolve("in").toString()).format(Format.TEXT).build())
                .output(BatchOutputConfig.builder(dir.resolve("out").toString()).format(Format.TEXT).build())
                .errors(ErrorPolicy.DEAD_LETTER).build();

        RunSummary run = TaskRunner.builder(spec).task(new Picky()).build().run();
        List<String> letters = BatchOutputs.values(dir.resolve("out/_dead-letter").toString(), Map.of());

        assertThat(run.deadLettered()).isEqualTo(1);
        assertThat(letters).hasSize(1);
        String runReason = new ObjectMapper().readTree(letters.get(0)).get("reason").asText();

        try (TaskHarness<Picky> h = TaskHarness.of(new Picky()).errors(ErrorPolicy.DEAD_LETTER).open()) {
            h.send("ok", "poison", "fine");

            assertThat(h.emittedValues()).containsExactly("OK", "FINE");
            assertThat(h.deadLetters()).extracting(DeadLetter::reason).containsExactly(runReason);
        }
        assertThat(runReason).isEqualTo("IllegalStateException: poison");
    }
}
