package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.config.BatchOutputConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch output's {@code options.schemaFile} (the parquet and avro formats' schema) is a location
 * like the others: relative to the pipeline file's folder, not to where the command runs.
 */
class SchemaFileOptionTest {

    private static BatchOutputConfig output(String schemaFile) {
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
                """.formatted(schemaFile), Path.of("/pipelines/views/pipeline.yaml"), Map.of()).tasks().get(0).output();
    }

    @Test
    void aRelativeSchemaFileIsResolvedAgainstThePipelineFilesFolder() {
        assertThat(output("schemas/view.avsc").options()).containsEntry("schemaFile", "/pipelines/views/schemas/view.avsc")
                .containsEntry("rowGroupSize", "1MiB");
        assertThat(output("../shared/view.avsc").options()).containsEntry("schemaFile", "/pipelines/shared/view.avsc");
    }

    @Test
    void anAbsoluteSchemaFileStaysAsWritten() {
        assertThat(output("/etc/schemas/view.avsc").options()).containsEntry("schemaFile", "/etc/schemas/view.avsc");
    }
}
