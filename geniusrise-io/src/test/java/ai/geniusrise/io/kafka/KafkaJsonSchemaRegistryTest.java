package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.config.SchemaRegistryConfig.SubjectNameStrategy;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import ai.geniusrise.testkit.schemaregistry.AvroWireFormat;
import ai.geniusrise.testkit.schemaregistry.SchemaRegistryExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka with a schema registry and JSON Schema, in the Confluent wire format (a zero byte, the
 * schema's 4-byte id, the JSON text): records laid out by hand here are read by our bolt, what it
 * writes is read back by the same hand-written reader, and a record that does not match its schema
 * goes to the dead letters with the schema's id and the reason.
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

    /** Upper-cases the user, doubles the count; for user "bad", emits a count that is text. */
    public static final class ScoreBolt extends Bolt {
        @Override
        protected void process(Record in, Emitter out) {
            JsonNode click = in.valueAsJson();
            ObjectNode scored = JSON.createObjectNode().put("user", click.get("user").asText().toUpperCase());
            if (click.get("user").asText().equals("bad")) {
                scored.put("count", "many");
            } else {
                scored.put("count", click.get("count").asLong() * 2);
            }
            out.emit(in.withJsonValue(scored));
        }
    }

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
    void readsRecordsInTheWireFormatWritesItAndDeadLettersWhatDoesNotMatchWithTheSchemaIdAndReason()
            throws Exception {
        KAFKA.createTopic("js-in", 1);
        KAFKA.createTopic("js-out", 1);
        AvroWireFormat rest = new AvroWireFormat(REGISTRY.url());
        int clickId = rest.register("js-in-value", CLICK, "JSON");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("js-in", bytes("1"), wire(clickId, "{\"user\": \"ann\", \"count\": 1}")));
            producer.send(new ProducerRecord<>("js-in", bytes("2"), bytes("{\"user\": \"plain json\", \"count\": 1}")));
            producer.send(new ProducerRecord<>("js-in", bytes("3"), wire(clickId, "{\"user\": \"bad\", \"count\": 3}")));
            producer.send(new ProducerRecord<>("js-in", bytes("4"), wire(clickId, "{\"user\": \"cy\", \"count\": -4}")));
            producer.send(new ProducerRecord<>("js-in", bytes("5"), wire(clickId, "{\"user\": \"dee\"")));
            producer.send(new ProducerRecord<>("js-in", bytes("6"), wire(clickId, "{\"user\": \"bo\", \"count\": 20}")));
            producer.flush();
        }
        TaskSpec spec = TaskSpec.builder("js-scores", TaskSpec.Kind.BOLT).taskClass(ScoreBolt.class)
                .input(StreamingInputConfig.builder("js-in").bootstrapServers(KAFKA.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).valueFormat(SchemaFormat.JSON_SCHEMA)
                        .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build())
                .output(StreamingOutputConfig.builder("js-out").bootstrapServers(KAFKA.bootstrapServers())
                        .valueFormat(SchemaFormat.JSON_SCHEMA).valueSchema(SCORED)
                        .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build())
                .errors(ErrorPolicy.DEAD_LETTER).build();
        KafkaTopics topics = new KafkaTopics(KAFKA.bootstrapServers());

        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> letters;
        try (RunningTask task = RunningTask.start(spec, new ScoreBolt())) {
            out = topics.read("js-out", false, 2, Duration.ofSeconds(40));
            letters = topics.read("js-in.dlq", false, 4, Duration.ofSeconds(40));
            RunSummary summary = task.stop(Duration.ofSeconds(20));
            assertThat(summary.deadLettered()).isEqualTo(4);
        }

        JsonNode latest = rest.latest("js-out-value");
        int scoredId = latest.get("id").asInt();
        assertThat(latest.get("schemaType").asText()).isEqualTo("JSON");
        assertThat(JSON.readTree(latest.get("schema").asText())).isEqualTo(JSON.readTree(SCORED));
        List<String> read = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            assertThat(r.value()[0]).as("magic byte").isZero();
            assertThat(AvroWireFormat.idOf(r.value())).isEqualTo(scoredId);
            assertThat(rest.schemaById(scoredId).get("schemaType").asText()).isEqualTo("JSON");
            JsonNode scored = payload(r.value());
            read.add(scored.get("user").asText() + ":" + scored.get("count").asLong());
        }
        assertThat(read).containsExactly("ANN:2", "BO:40");

        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        letters.forEach(l -> byKey.put(new String(l.key(), StandardCharsets.UTF_8), l));
        assertThat(byKey).containsOnlyKeys("2", "3", "4", "5");
        assertThat(header(byKey.get("2"), "geniusrise.reason")).contains("not in the schema registry's wire format");
        assertThat(byKey.get("2").headers().lastHeader("geniusrise.schema.id")).isNull();
        assertThat(header(byKey.get("3"), "geniusrise.schema.id")).isEqualTo(Integer.toString(scoredId));
        assertThat(header(byKey.get("3"), "geniusrise.reason"))
                .contains("the value does not match JSON Schema id " + scoredId + " (com.acme.Scored)")
                .contains("/count: string found, integer expected");
        assertThat(new String(byKey.get("3").value(), StandardCharsets.UTF_8))
                .as("the dead letter carries what the bolt emitted").contains("\"count\":\"many\"");
        assertThat(header(byKey.get("4"), "geniusrise.schema.id")).isEqualTo(Integer.toString(clickId));
        assertThat(header(byKey.get("4"), "geniusrise.reason"))
                .contains("the value does not match its JSON Schema (id " + clickId + ")")
                .contains("/count: must have a minimum value of 0");
        assertThat(byKey.get("4").value()).as("an input dead letter carries the original bytes")
                .isEqualTo(wire(clickId, "{\"user\": \"cy\", \"count\": -4}"));
        assertThat(header(byKey.get("5"), "geniusrise.schema.id")).isEqualTo(Integer.toString(clickId));
        assertThat(header(byKey.get("5"), "geniusrise.reason")).contains("is not JSON");
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

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
