package ai.geniusrise.io.file;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.RecordReader;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in local file spout: a folder of files into a batch output (a real embedded S3, or files). */
@ExtendWith(S3Extension.class)
@Timeout(60)
class FileSourceSpoutTest {

    @TempDir
    Path dir;

    private static List<String> readAll(String location, Map<String, String> options) throws IOException {
        BatchInputConfig config = BatchInputConfig.builder(location).options(options).build();
        List<String> values = new ArrayList<>();
        try (BatchInput input = BatchStorage.forScheme(config.scheme(), "source").openInput(config, null)) {
            for (String object : input.objects()) {
                try (RecordReader reader = input.open(object)) {
                    for (Record r = reader.next(); r != null; r = reader.next()) {
                        values.add(r.valueAsString());
                    }
                }
            }
        }
        return values;
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve("in").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    @Test
    void aSpoutWithoutClassCopiesEveryFileOfAFolderIntoS3(S3Endpoint s3) throws IOException {
        write("a.jsonl", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
        write("sub/b.jsonl", "{\"n\":4}\n{\"n\":5}\n");
        write(".hidden.jsonl", "{\"n\":99}\n");
        String bucket = s3.createBucket("files");
        TaskSpec spec = TaskSpec.builder("copy", TaskSpec.Kind.SPOUT)
                .input(BatchInputConfig.builder(dir.resolve("in").toUri().toString()).build())
                .output(BatchOutputConfig.builder("s3://" + bucket + "/copied").options(s3.options()).build())
                .build();

        RunSummary summary = TaskRunner.builder(spec).build().run();

        assertThat(summary.recordsOut()).isEqualTo(5);
        assertThat(readAll("s3://" + bucket + "/copied", s3.options()))
                .containsExactlyInAnyOrder("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}");
    }

    @Test
    void theGlobChoosesWhichFilesAreRead() throws IOException {
        write("keep-1.jsonl", "{\"k\":1}\n");
        write("keep-2.jsonl", "{\"k\":2}\n");
        write("notes.txt", "not json at all\n");
        TaskSpec spec = TaskSpec.builder("globbed", TaskSpec.Kind.SPOUT)
                .input(BatchInputConfig.builder(dir.resolve("in").toString()).glob("keep-*.jsonl").build())
                .output(BatchOutputConfig.builder(dir.resolve("out").toString()).build())
                .build();

        TaskRunner.builder(spec).task(new FileSourceSpout()).build().run();

        assertThat(readAll(dir.resolve("out").toString(), Map.of())).containsExactly("{\"k\":1}", "{\"k\":2}");
    }

    @Test
    void aRowThatDoesNotDecodeGoesToTheErrorPolicyWithItsFileAndLine() throws IOException {
        write("people.csv", "id,name\n1,ada\n2,bob,extra\n3,cy\n");
        TaskSpec spec = TaskSpec.builder("people", TaskSpec.Kind.SPOUT)
                .input(BatchInputConfig.builder(dir.resolve("in").toString()).format(Format.CSV).build())
                .output(BatchOutputConfig.builder(dir.resolve("out").toString()).build())
                .errors(ErrorPolicy.DEAD_LETTER)
                .build();

        RunSummary summary = TaskRunner.builder(spec).build().run();

        assertThat(summary.recordsOut()).isEqualTo(2);
        assertThat(summary.deadLettered()).isEqualTo(1);
        assertThat(readAll(dir.resolve("out").toString(), Map.of())).hasSize(2)
                .allSatisfy(v -> assertThat(v).doesNotContain("bob"));
        List<String> letters = readAll(dir.resolve("out").resolve("_dead-letter").toString(), Map.of());
        assertThat(letters).singleElement().asString().contains("2,bob,extra").contains("people.csv:3");
    }

    @Test
    void aMissingPathIsAConfigErrorLocatedAtTheSourceInThePipelineFile() throws IOException {
        Path missing = dir.resolve("nowhere");
        String yaml = """
                version: 1
                name: files
                tasks:
                  - name: reader
                    type: spout
                    config:
                      inputConfig: {type: batch, source: "%s"}
                      outputConfig: {type: batch, destination: "%s"}
                """.formatted(missing, dir.resolve("out"));
        Path file = Files.writeString(dir.resolve("pipeline.yaml"), yaml);
        TaskSpec spec = Pipeline.load(file).task("reader").orElseThrow();

        assertThatThrownBy(() -> TaskRunner.builder(spec).build().run())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipeline.yaml:7:")
                .hasMessageContaining("config.inputConfig.source")
                .hasMessageContaining("does not exist");
    }
}
