package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.BatchOutputConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch output's {@code options.schemaFile} (the parquet and avro formats' schema) is a location
 * like the others: relative to the pipeline file's folder, not to where the command runs; a file
 * that is not there is a mistake at the key when the pipeline is loaded ({@code validate} included).
 */
class SchemaFileOptionTest {

    @TempDir
    Path dir;

    @BeforeEach
    void schemas() throws IOException {
        for (String file : new String[] {"views/schemas/view.avsc", "shared/view.avsc", "absolute/view.avsc"}) {
            Files.createDirectories(dir.resolve(file).getParent());
            Files.writeString(dir.resolve(file), "{\"type\": \"record\", \"name\": \"View\", \"fields\": []}");
        }
    }

    private BatchOutputConfig output(String schemaFile) {
        return (BatchOutputConfig) PipelineParser.parse("""
                version: 1
                name: views
                tasks:
                  - name: daily
                    type: bolt
                    class: com.acme.Daily
                    config:
                      inputConfig: {type: batch, source: in}
                      outputConfig:
                        type: batch
                        destination: s3://lake/views
                        format: parquet
                        options: {schemaFile: %s, rowGroupSize: 1MiB}
                """.formatted(schemaFile), dir.resolve("views/pipeline.yaml"), Map.of()).tasks().get(0).output();
    }

    @Test
    void aRelativeSchemaFileIsResolvedAgainstThePipelineFilesFolder() {
        assertThat(output("schemas/view.avsc").options())
                .containsEntry("schemaFile", dir.resolve("views/schemas/view.avsc").toString())
                .containsEntry("rowGroupSize", "1MiB");
        assertThat(output("../shared/view.avsc").options()).containsEntry("schemaFile",
                dir.resolve("shared/view.avsc").toString());
    }

    @Test
    void anAbsoluteSchemaFileStaysAsWritten() {
        String absolute = dir.resolve("absolute/view.avsc").toString();
        assertThat(output(absolute).options()).containsEntry("schemaFile", absolute);
    }

    @Test
    void aSchemaFileThatIsNotThereIsAMistakeAtItsKey() {
        assertThatThrownBy(() -> output("schemas/missing.avsc")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("views/pipeline.yaml:13:")
                .hasMessageContaining("options.schemaFile")
                .hasMessageContaining("cannot read the Avro schema file 'schemas/missing.avsc': no such file");
    }
}
