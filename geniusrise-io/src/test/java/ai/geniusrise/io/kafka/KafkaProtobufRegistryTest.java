package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.config.SchemaRegistryConfig.SubjectNameStrategy;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.testkit.schemaregistry.AvroWireFormat;
import ai.geniusrise.testkit.schemaregistry.SchemaRegistryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka with a schema registry and protobuf: registration ({@code schemaType: PROTOBUF}), subjects
 * named after the message written, the subject's latest schema, keys, and invalid schemas. The
 * scenario of reading, writing and dead-lettering records is {@link KafkaRegistryFormatsTest}.
 */
class KafkaProtobufRegistryTest {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static SchemaRegistryConfig registry(SubjectNameStrategy strategy, boolean autoRegister) {
        return new SchemaRegistryConfig(REGISTRY.url(), strategy, autoRegister);
    }

    private static StreamingOutputConfig.Builder scored(String topic) {
        return StreamingOutputConfig.builder(topic).valueFormat(SchemaFormat.PROTOBUF)
                .valueSchema(ProtobufWireFormat.SCORED_PROTO).valueMessageType("acme.Scored");
    }

    @Test
    void anOutputSchemaThatMustBeRegisteredAndIsNotStopsTheTaskAtStartNamingTheSubject() throws Exception {
        StreamingOutputConfig out = scored("pb-strict").schemaRegistry(registry(SubjectNameStrategy.TOPIC, false))
                .build();
        assertThatThrownBy(() -> TopicSchemas.writing(out)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.outputConfig.valueSchema")
                .hasMessageContaining("not registered under the subject 'pb-strict-value'")
                .hasMessageContaining("autoRegister is false");
        int id = new AvroWireFormat(REGISTRY.url()).register("pb-strict-value",
                ProtobufWireFormat.SCORED_PROTO.trim(), "PROTOBUF");
        Record encoded = TopicSchemas.writing(out).encode(Record.of("k", "{\"user\": \"x\", \"count\": 5}"));
        assertThat(AvroWireFormat.idOf(encoded.value())).isEqualTo(id);
    }

    @Test
    void subjectsAreNamedByTheTopicTheMessageOrBoth() throws Exception {
        for (SubjectNameStrategy s : SubjectNameStrategy.values()) {
            TopicSchemas.writing(scored("pb-names-" + s.yamlName()).schemaRegistry(registry(s, true)).build());
        }
        AvroWireFormat rest = new AvroWireFormat(REGISTRY.url());
        List<String> subjects = new ArrayList<>();
        rest.subjects().forEach(n -> subjects.add(n.asText()));
        assertThat(subjects).contains("pb-names-topic-value", "acme.Scored", "pb-names-topic-record-acme.Scored");
        assertThat(rest.latest("acme.Scored").get("schemaType").asText()).isEqualTo("PROTOBUF");
    }

    @Test
    void anOutputWithoutASchemaOfItsOwnWritesWithTheSubjectsLatestItsFirstMessage() throws Exception {
        AvroWireFormat rest = new AvroWireFormat(REGISTRY.url());
        int id = rest.register("pb-latest-value", ProtobufWireFormat.CLICK_PROTO, "PROTOBUF");
        TopicSchemas schemas = TopicSchemas.writing(StreamingOutputConfig.builder("pb-latest")
                .valueFormat(SchemaFormat.PROTOBUF).schemaRegistry(registry(SubjectNameStrategy.TOPIC, false))
                .build());
        Record encoded = schemas.encode(Record.of("k", "{\"user\": \"x\", \"kind\": \"VIEW\"}"));
        assertThat(AvroWireFormat.idOf(encoded.value())).isEqualTo(id);
        assertThat(encoded.value()[5]).as("the first message: a single 0").isZero();
        assertThatThrownBy(() -> schemas.encode(Record.of("k", "{\"user\": \"x\", \"kind\": \"SELL\"}")))
                .isInstanceOf(SchemaMismatchException.class)
                .hasMessageContaining("does not match protobuf schema id " + id + " (acme.Click): field 'kind': "
                        + "expected a acme.Kind name (KIND_UNSPECIFIED, VIEW, BUY), got text \"SELL\"");

        rest.register("pb-json-value", "{\"type\": \"object\"}", "JSON");
        assertThatThrownBy(() -> TopicSchemas.writing(StreamingOutputConfig.builder("pb-json")
                .valueFormat(SchemaFormat.PROTOBUF).schemaRegistry(registry(SubjectNameStrategy.TOPIC, false))
                .build())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("the latest schema under the subject 'pb-json-value' is of type JSON, not "
                        + "PROTOBUF");
    }

    @Test
    void aSchemaThatIsNotValidStopsTheTaskAtStart() {
        assertThatThrownBy(() -> TopicSchemas.writing(StreamingOutputConfig.builder("pb-invalid")
                .valueFormat(SchemaFormat.PROTOBUF).valueSchema("syntax = \"proto3\";\nmessage A {\n  string = 1;\n}")
                .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.outputConfig.valueSchema")
                .hasMessageContaining("is not a valid protobuf schema: syntax error at line 3, column 10");
    }

    @Test
    void keysAreMessagesTooReadAsJsonAndWrittenBack() throws Exception {
        String key = "syntax = \"proto3\";\npackage acme;\nmessage ClickKey { string user = 1; int64 day = 2; }\n";
        TopicSchemas out = TopicSchemas.writing(StreamingOutputConfig.builder("pb-keys")
                .keyFormat(SchemaFormat.PROTOBUF).keySchema(key)
                .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build());
        Record encoded = out.encode(Record.of("{\"user\": \"u7\", \"day\": 20261208}", "anything"));
        assertThat(encoded.value()).isEqualTo("anything".getBytes());
        TopicSchemas in = TopicSchemas.reading(StreamingInputConfig.builder("pb-keys")
                .keyFormat(SchemaFormat.PROTOBUF).schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build());
        assertThat(in.decode(encoded).keyAsString()).isEqualTo("{\"user\":\"u7\",\"day\":\"20261208\"}");
    }
}
