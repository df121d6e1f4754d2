package ai.geniusrise.protobuf;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A pipeline file with {@code valueFormat: protobuf}, loaded as {@code validate} loads it: the
 * {@code .proto} schema, inline or in a file, is compiled then, and a mistake in it is reported
 * at the key that names it, with the position inside the {@code .proto} text.
 */
class ProtobufPipelineKeysTest {

    private static final String HEAD = """
            version: 1
            name: proto
            tasks:
              - name: score
                type: bolt
                class: com.acme.Score
                config:
                  inputConfig: {type: streaming, source: clicks, valueFormat: protobuf}
                  outputConfig:
                    type: streaming
                    destination: scored
                    valueFormat: protobuf
            """;

    @Test
    void anInlineSchemaAndItsMessageTypeReachTheOutputConfig() {
        StreamingOutputConfig out = (StreamingOutputConfig) Pipeline.parse(HEAD + """
                        valueMessageType: acme.Scored
                        valueSchema: |
                          syntax = "proto3";
                          package acme;
                          message Header { string source = 1; }
                          message Scored { string user = 1; int64 count = 2; }
                """, Path.of("/p/pipeline.yaml"), Map.of()).tasks().get(0).output();
        assertThat(out.valueFormat()).isEqualTo(SchemaFormat.PROTOBUF);
        assertThat(out.valueMessageType()).isEqualTo("acme.Scored");
        assertThat(out.valueSchema()).startsWith("syntax = \"proto3\";").contains("message Scored");
    }

    @Test
    void aSyntaxErrorIsReportedAtTheKeyWithItsPositionInTheProtoText() {
        assertThatThrownBy(() -> Pipeline.parse(HEAD + """
                        valueSchema: |
                          syntax = "proto3";
                          message Scored {
                            string = 1;
                          }
                """, Path.of("/p/pipeline.yaml"), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipeline.yaml:13:")
                .hasMessageContaining("config.outputConfig.valueSchema")
                .hasMessageContaining("this inline protobuf schema is not valid: syntax error at line 3, column 10: "
                        + "expected a word");
    }

    @Test
    void aMistakeInASchemaFileNamesTheFileAndAnUnknownMessageTypeIsReportedAtItsKey(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("scored.proto"), "syntax = \"proto3\";\npackage acme;\nmessage Scored {\n"
                + "  Missing m = 1;\n}\n");
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, HEAD + "        valueSchema: scored.proto\n");
        assertThatThrownBy(() -> Pipeline.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipeline.yaml:13:")
                .hasMessageContaining("the protobuf schema in scored.proto is not valid: unable to resolve Missing; "
                        + "for field m (line 4, column 3)");

        Files.writeString(dir.resolve("scored.proto"), "syntax = \"proto3\";\npackage acme;\nmessage Scored {}\n");
        Files.writeString(file, HEAD + "        valueSchema: scored.proto\n        valueMessageType: acme.Click\n");
        assertThatThrownBy(() -> Pipeline.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipeline.yaml:14:")
                .hasMessageContaining("config.outputConfig.valueMessageType")
                .hasMessageContaining("it defines no message 'acme.Click' (its messages: acme.Scored)");
    }

    @Test
    void aMessageTypeWithAnotherFormatIsAnError() {
        assertThatThrownBy(() -> Pipeline.parse(HEAD.replace("valueFormat: protobuf\n", "valueFormat: avro\n")
                + "        valueMessageType: acme.Scored\n", Path.of("/p/pipeline.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("valueMessageType")
                .hasMessageContaining("names the message of a .proto schema, and valueFormat is avro, not protobuf");
    }
}
