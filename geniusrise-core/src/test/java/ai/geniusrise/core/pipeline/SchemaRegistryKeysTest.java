package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.config.SchemaRegistryConfig.SubjectNameStrategy;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema-registry keys of streaming inputs and outputs, as pipeline files write them. */
class SchemaRegistryKeysTest {

    private static final String HEAD = """
            version: 1
            name: avro
            tasks:
              - name: score
                type: bolt
                class: com.acme.Score
                config:
            """;

    private static TaskSpec task(String config, Path origin) {
        return PipelineParser.parse(HEAD + config, origin, Map.of()).tasks().get(0);
    }

    private static ConfigException rejection(String config) {
        try {
            task(config, Path.of("/p/pipeline.yaml"));
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a rejection of\n" + config);
    }

    @Test
    void formatsRegistryAndSchemasAreReadFromInputAndOutput(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("scored.avsc"), "{\"type\": \"record\", \"name\": \"Scored\", \"fields\": []}");
        TaskSpec spec = task("""
                      inputConfig:
                        type: streaming
                        source: clicks
                        valueFormat: avro
                        keyFormat: avro
                        schemaRegistry: {url: "http://registry:8080/apis/ccompat/v7"}
                      outputConfig:
                        type: streaming
                        destination: scored
                        valueFormat: avro
                        valueSchema: scored.avsc
                        keyFormat: avro
                        keySchema: {type: string}
                        schemaRegistry:
                          url: http://registry:8080/apis/ccompat/v7
                          subjectNameStrategy: topic-record
                          autoRegister: false
                """, dir.resolve("pipeline.yaml"));
        StreamingInputConfig in = (StreamingInputConfig) spec.input();
        assertThat(in.valueFormat()).isEqualTo(SchemaFormat.AVRO);
        assertThat(in.keyFormat()).isEqualTo(SchemaFormat.AVRO);
        assertThat(in.schemaRegistry()).isEqualTo(new SchemaRegistryConfig("http://registry:8080/apis/ccompat/v7",
                SubjectNameStrategy.TOPIC, true));
        StreamingOutputConfig out = (StreamingOutputConfig) spec.output();
        assertThat(out.valueSchema()).contains("\"name\": \"Scored\"");
        assertThat(out.keySchema()).isEqualTo("{\"type\":\"string\"}");
        assertThat(out.schemaRegistry().subjectNameStrategy()).isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
        assertThat(out.schemaRegistry().autoRegister()).isFalse();
    }

    @Test
    void jsonSchemaIsAFormatAndItsSchemaMayBeWrittenInlineInYaml() {
        TaskSpec spec = task("""
                      inputConfig: {type: streaming, source: clicks, valueFormat: json-schema}
                      outputConfig:
                        type: streaming
                        destination: scored
                        keyFormat: json-schema
                        keySchema: {type: string}
                        valueFormat: json-schema
                        valueSchema:
                          title: Scored
                          type: object
                          properties: {count: {type: integer, minimum: 0}}
                          required: [count]
                          additionalProperties: false
                """, Path.of("/p/pipeline.yaml"));
        assertThat(((StreamingInputConfig) spec.input()).valueFormat()).isEqualTo(SchemaFormat.JSON_SCHEMA);
        StreamingOutputConfig out = (StreamingOutputConfig) spec.output();
        assertThat(out.keyFormat()).isEqualTo(SchemaFormat.JSON_SCHEMA);
        assertThat(out.valueSchema()).isEqualTo("{\"title\":\"Scored\",\"type\":\"object\",\"properties\":"
                + "{\"count\":{\"type\":\"integer\",\"minimum\":0}},\"required\":[\"count\"],"
                + "\"additionalProperties\":false}");
    }

    @Test
    void aFormatWithoutARegistryTakesTheDefaultWhoseUrlComesFromTheEnvironmentOrLocalMode() {
        TaskSpec spec = task("""
                      inputConfig: {type: streaming, source: clicks, valueFormat: avro}
                      outputConfig: {type: streaming, destination: scored}
                """, Path.of("/p/pipeline.yaml"));
        assertThat(((StreamingInputConfig) spec.input()).schemaRegistry()).isEqualTo(SchemaRegistryConfig.DEFAULT);
        assertThat(((StreamingOutputConfig) spec.output()).schemaRegistry()).isNull();
    }

    @Test
    void mistakesAreReportedAtTheirLine() {
        assertThat(rejection("""
                      inputConfig: {type: streaming, source: clicks, valueFormat: parquet}
                """).getMessage()).contains(":8:").contains("expected one of avro, json-schema, protobuf, got 'parquet'");
        assertThat(rejection("""
                      inputConfig: {type: streaming, source: clicks, valueFormat: protobuf}
                """).getMessage()).as("core's tests run without geniusrise-protobuf, as a user's project may")
                .contains(":8:").contains("valueFormat")
                .contains("protobuf needs the module ai.geniusrise:geniusrise-protobuf on the classpath");
        assertThat(rejection("""
                      inputConfig: {type: streaming, source: clicks, schemaRegistry: {url: "http://r:1"}}
                """).getMessage()).contains("schemaRegistry").contains("neither is set");
        assertThat(rejection("""
                      inputConfig:
                        type: streaming
                        source: clicks
                        valueFormat: avro
                        schemaRegistry: {url: "registry:8080"}
                """).getMessage()).contains(":12:").contains("expected an http:// or https:// URL");
        assertThat(rejection("""
                      inputConfig:
                        type: streaming
                        source: clicks
                        valueFormat: avro
                        schemaRegistry: {autoRegistr: false}
                """).getMessage()).contains(":12:").contains("autoRegister");
        assertThat(rejection("""
                      outputConfig:
                        type: streaming
                        destination: scored
                        valueSchema: '{"type": "string"}'
                """).getMessage()).contains("valueSchema").contains("valueFormat, which is not set");
        assertThat(rejection("""
                      outputConfig:
                        type: streaming
                        destination: scored
                        valueFormat: avro
                        valueSchema: missing.avsc
                """).getMessage()).contains(":12:").contains("schema file /p/missing.avsc does not exist");
    }
}
