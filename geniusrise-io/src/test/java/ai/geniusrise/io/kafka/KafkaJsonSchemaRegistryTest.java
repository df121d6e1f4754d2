package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.config.SchemaRegistryConfig.SubjectNameStrategy;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import ai.geniusrise.testkit.schemaregistry.AvroWireFormat;
import ai.geniusrise.testkit.schemaregistry.SchemaRegistryExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka with a schema registry and JSON Schema, in the Confluent wire format (a zero byte, the
 * schema's 4-byte id, the JSON text): registration, subjects, invalid schemas and string keys. The
 * scenario of reading, writing and dead-lettering records, the same for every format, is
 * {@link KafkaRegistryFormatsTest}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaJsonSchemaRegistryTest {

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String CLICK = """
            {"title": "Click", "type": "object",
             "properties": {"user": {"type": "string"}, "count": {"type": "integer", "minimum": 0}},
             "required": ["user", "count"]}""";

    static final String SCORED = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "com.acme.Scored", "type": "object",
             "properties": {"user": {"type": "string"}, "count": {"type": "integer"}},
             "required": ["user", "count"], "additionalProperties": false}""";

    private static SchemaRegistryConfig registry(SubjectNameStrategy strategy, boolean autoRegister) {
        return new SchemaRegistryConfig(REGISTRY.url(), strategy, autoRegister);
    }

    /** The wire format, laid out by hand: magic byte 0, the id big-endian, the JSON text. */
    static byte[] wire(int id, String json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        out.writeBytes(bytes(json));
        return out.toByteArray();
    }

    /** The JSON after the header of {@code wire}. */
    static JsonNode payload(byte[] wire) throws Exception {
        return JSON.readTree(Arrays.copyOfRange(wire, 5, wire.length));
    }

    @Test
    void anOutputSchemaThatMustBeRegisteredAndIsNotStopsTheTaskAtStartNamingTheSubject() throws Exception {
        StreamingOutputConfig out = StreamingOutputConfig.builder("js-strict")
                .valueFormat(SchemaFormat.JSON_SCHEMA).valueSchema(SCORED)
                .schemaRegistry(registry(SubjectNameStrategy.TOPIC, false)).build();
        assertThatThrownBy(() -> TopicSchemas.writing(out)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.outputConfig.valueSchema")
                .hasMessageContaining("not registered under the subject 'js-strict-value'")
                .hasMessageContaining("autoRegister is false");
        int id = new AvroWireFormat(REGISTRY.url()).register("js-strict-value", SCORED, "JSON");
        Record encoded = TopicSchemas.writing(out).encode(Record.of("k", "{\"user\": \"x\", \"count\": 5}"));
        assertThat(AvroWireFormat.idOf(encoded.value())).isEqualTo(id);
        assertThat(payload(encoded.value())).isEqualTo(JSON.readTree("{\"user\": \"x\", \"count\": 5}"));
    }

    @Test
    void anOutputWithoutASchemaOfItsOwnWritesWithTheSubjectsLatestJsonSchema() throws Exception {
        AvroWireFormat rest = new AvroWireFormat(REGISTRY.url());
        int id = rest.register("js-latest-value", CLICK, "JSON");
        TopicSchemas schemas = TopicSchemas.writing(StreamingOutputConfig.builder("js-latest")
                .valueFormat(SchemaFormat.JSON_SCHEMA).schemaRegistry(registry(SubjectNameStrategy.TOPIC, false))
                .build());
        assertThat(AvroWireFormat.idOf(schemas.encode(Record.of("k", "{\"user\": \"x\", \"count\": 5}")).value()))
                .isEqualTo(id);
        assertThatThrownBy(() -> schemas.encode(Record.of("k", "{\"user\": \"x\"}")))
                .isInstanceOf(SchemaMismatchException.class)
                .hasMessageContaining("does not match JSON Schema id " + id + " (Click): /: required property "
                        + "'count' not found");

        rest.register("js-avro-value", KafkaAvroRegistryTest.SCORED, "AVRO");
        assertThatThrownBy(() -> TopicSchemas.writing(StreamingOutputConfig.builder("js-avro")
                .valueFormat(SchemaFormat.JSON_SCHEMA).schemaRegistry(registry(SubjectNameStrategy.TOPIC, false))
                .build())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("the latest schema under the subject 'js-avro-value' is of type AVRO, not JSON");
    }

    @Test
    void subjectsAreNamedByTheTopicTheSchemasTitleOrBoth() throws Exception {
        for (SubjectNameStrategy s : SubjectNameStrategy.values()) {
            TopicSchemas.writing(StreamingOutputConfig.builder("js-names-" + s.yamlName())
                    .valueFormat(SchemaFormat.JSON_SCHEMA).valueSchema(SCORED).schemaRegistry(registry(s, true))
                    .build());
        }
        List<String> subjects = new ArrayList<>();
        new AvroWireFormat(REGISTRY.url()).subjects().forEach(n -> subjects.add(n.asText()));
        assertThat(subjects).contains("js-names-topic-value", "com.acme.Scored", "js-names-topic-record-com.acme.Scored");
        assertThatThrownBy(() -> TopicSchemas.writing(StreamingOutputConfig.builder("js-names-x")
                .valueFormat(SchemaFormat.JSON_SCHEMA).valueSchema("{\"type\": \"object\"}")
                .schemaRegistry(registry(SubjectNameStrategy.RECORD, true)).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.outputConfig.schemaRegistry.subjectNameStrategy")
                .hasMessageContaining("a JSON Schema's title");
    }

    @Test
    void aSchemaThatIsNotAValidJsonSchemaStopsTheTaskAtStart() {
        assertThatThrownBy(() -> TopicSchemas.writing(StreamingOutputConfig.builder("js-invalid")
                .valueFormat(SchemaFormat.JSON_SCHEMA).valueSchema("{\"type\": \"objekt\"}")
                .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.outputConfig.valueSchema")
                .hasMessageContaining("is not a valid JSON Schema: /type");
        assertThatThrownBy(() -> TopicSchemas.writing(StreamingOutputConfig.builder("js-invalid")
                .valueFormat(SchemaFormat.JSON_SCHEMA).valueSchema("{\"type\": ")
                .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a valid JSON Schema: it is not JSON");
    }

    @Test
    void keysWithAStringSchemaReachTheBoltAsTextAndAreWrittenBackAsJsonStrings() throws Exception {
        TopicSchemas out = TopicSchemas.writing(StreamingOutputConfig.builder("js-keys")
                .keyFormat(SchemaFormat.JSON_SCHEMA).keySchema("{\"type\": \"string\"}")
                .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build());
        Record encoded = out.encode(Record.of("user-7", "anything"));
        assertThat(encoded.value()).isEqualTo(bytes("anything"));
        assertThat(payload(encoded.key()).asText()).isEqualTo("user-7");
        TopicSchemas in = TopicSchemas.reading(StreamingInputConfig.builder("js-keys")
                .keyFormat(SchemaFormat.JSON_SCHEMA).schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build());
        assertThat(in.decode(encoded).keyAsString()).isEqualTo("user-7");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
