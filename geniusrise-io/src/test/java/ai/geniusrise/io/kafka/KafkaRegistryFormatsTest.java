package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Bolt;
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
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka with a schema registry, in the Confluent wire format, one scenario for every format:
 * records written by an independent writer (Avro's own serializer; JSON laid out by hand;
 * protobuf-java's {@code DynamicMessage}) are read by our bolt, what it writes is read back by the
 * same independent reader, and records that do not match their schema go to the dead letters with
 * the schema's id and the reason.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaRegistryFormatsTest {

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Upper-cases the user and doubles the count, keeping the other fields; for user "bad", emits a
     * count that is text.
     */
    public static final class ScoreBolt extends Bolt {
        @Override
        protected void process(Record in, Emitter out) {
            JsonNode click = in.valueAsJson();
            ObjectNode scored = ((ObjectNode) click.deepCopy()).put("user", click.get("user").asText().toUpperCase());
            if (click.get("user").asText().equals("bad")) {
                scored.put("count", "many");
            } else {
                scored.put("count", click.get("count").asLong() * 2);
            }
            out.emit(in.withJsonValue(scored));
        }
    }

    /** What differs between the formats in the scenario. */
    enum Format {
        AVRO(SchemaFormat.AVRO, "sr") {
            @Override
            int registerInput(AvroWireFormat rest, String subject) throws Exception {
                return rest.register(subject, KafkaAvroRegistryTest.CLICK);
            }

            @Override
            byte[] click(int id, String user, int count) throws Exception {
                GenericRecord r = new GenericData.Record(KafkaAvroRegistryTest.CLICK);
                r.put("user", user);
                r.put("count", count);
                return AvroWireFormat.serialize(id, r);
            }

            @Override
            Map<byte[], List<String>> invalidInputs(int id) {
                return Map.of(new byte[] {0, 0, 0, 0, (byte) id, 2},
                        List.of("does not match its Avro schema (id " + id));
            }

            @Override
            String outputSchema() {
                return KafkaAvroRegistryTest.SCORED;
            }

            @Override
            String read(AvroWireFormat rest, byte[] value) throws Exception {
                GenericRecord g = rest.deserialize(value);
                assertThat(g.getSchema().getFullName()).isEqualTo("com.acme.Scored");
                return g.get("user") + ":" + g.get("count") + ":" + g.get("note");
            }

            @Override
            List<String> written() {
                return List.of("ANN:2:null", "BO:40:null");
            }

            @Override
            List<String> outputMismatch(int id) {
                return List.of("does not match Avro schema id " + id,
                        "field 'count': expected a long, got text \"many\"");
            }
        },
        JSON_SCHEMA(SchemaFormat.JSON_SCHEMA, "js") {
            @Override
            int registerInput(AvroWireFormat rest, String subject) throws Exception {
                return rest.register(subject, KafkaJsonSchemaRegistryTest.CLICK, "JSON");
            }

            @Override
            byte[] click(int id, String user, int count) {
                return KafkaJsonSchemaRegistryTest.wire(id, "{\"user\": \"" + user + "\", \"count\": " + count + "}");
            }

            @Override
            Map<byte[], List<String>> invalidInputs(int id) {
                Map<byte[], List<String>> m = new LinkedHashMap<>();
                m.put(KafkaJsonSchemaRegistryTest.wire(id, "{\"user\": \"cy\", \"count\": -4}"),
                        List.of("the value does not match its JSON Schema "
                        + "(id " + id + ")", "/count: must have a minimum value of 0"));
                m.put(KafkaJsonSchemaRegistryTest.wire(id, "{\"user\": \"dee\""), List.of("is not JSON"));
                return m;
            }

            @Override
            String outputSchema() {
                return KafkaJsonSchemaRegistryTest.SCORED;
            }

            @Override
            void checkLatest(AvroWireFormat rest, JsonNode latest) throws Exception {
                assertThat(latest.get("schemaType").asText()).isEqualTo("JSON");
                assertThat(JSON.readTree(latest.get("schema").asText()))
                        .isEqualTo(JSON.readTree(KafkaJsonSchemaRegistryTest.SCORED));
            }

            @Override
            String read(AvroWireFormat rest, byte[] value) throws Exception {
                assertThat(value[0]).as("magic byte").isZero();
                assertThat(rest.schemaById(AvroWireFormat.idOf(value)).get("schemaType").asText()).isEqualTo("JSON");
                JsonNode scored = JSON.readTree(Arrays.copyOfRange(value, 5, value.length));
                return scored.get("user").asText() + ":" + scored.get("count").asLong();
            }

            @Override
            List<String> written() {
                return List.of("ANN:2", "BO:40");
            }

            @Override
            List<String> outputMismatch(int id) {
                return List.of("the value does not match JSON Schema id " + id + " (com.acme.Scored)",
                        "/count: string found, integer expected");
            }
        },
        PROTOBUF(SchemaFormat.PROTOBUF, "pb") {
            @Override
            int registerInput(AvroWireFormat rest, String subject) throws Exception {
                return rest.register(subject, ProtobufWireFormat.CLICK_PROTO, "PROTOBUF");
            }

            @Override
            byte[] click(int id, String user, int count) {
                return ProtobufWireFormat.click(id, user, count);
            }

            @Override
            Map<byte[], List<String>> invalidInputs(int id) {
                Map<byte[], List<String>> m = new LinkedHashMap<>();
                m.put(ProtobufWireFormat.wire(id, new byte[] {0}, new byte[] {0x0a, 0x05, 'a'}),
                        List.of("the value does not match its protobuf schema (id " + id + ")",
                                "it is not a acme.Click message"));
                m.put(ProtobufWireFormat.wire(id, new byte[] {2, 10}, new byte[0]),
                        List.of("the value does not match its protobuf schema (id " + id + ")",
                                "the message index path [5] names no message of this schema"));
                return m;
            }

            @Override
            String outputSchema() {
                return ProtobufWireFormat.SCORED_PROTO;
            }

            @Override
            String messageType() {
                return "acme.Scored";
            }

            @Override
            void checkLatest(AvroWireFormat rest, JsonNode latest) {
                assertThat(latest.get("schemaType").asText()).isEqualTo("PROTOBUF");
                assertThat(latest.get("schema").asText()).isEqualTo(ProtobufWireFormat.SCORED_PROTO.trim());
            }

            @Override
            String read(AvroWireFormat rest, byte[] value) throws Exception {
                return ProtobufWireFormat.readScored(value);
            }

            @Override
            List<String> written() {
                return List.of(ProtobufWireFormat.scoredAsRead("ANN", 2), ProtobufWireFormat.scoredAsRead("BO", 40));
            }

            @Override
            List<String> outputMismatch(int id) {
                return List.of("the value does not match protobuf schema id " + id + " (acme.Scored)",
                        "field 'count': expected an integer from -9223372036854775808 to 9223372036854775807 "
                                + "(int64), got text \"many\"");
            }
        };

        final SchemaFormat format;
        final String prefix;

        Format(SchemaFormat format, String prefix) {
            this.format = format;
            this.prefix = prefix;
        }

        abstract int registerInput(AvroWireFormat rest, String subject) throws Exception;

        abstract byte[] click(int id, String user, int count) throws Exception;

        /** Records in the wire format that do not match the input's schema, each with the parts of its reason. */
        abstract Map<byte[], List<String>> invalidInputs(int id);

        abstract String outputSchema();

        String messageType() {
            return null;
        }

        void checkLatest(AvroWireFormat rest, JsonNode latest) throws Exception {
        }

        /** The record in {@code value} as read by the independent reader, as text. */
        abstract String read(AvroWireFormat rest, byte[] value) throws Exception;

        abstract List<String> written();

        abstract List<String> outputMismatch(int id);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void readsRecordsOfAnIndependentWriterWritesWhatItReadsBackAndDeadLettersWhatDoesNotMatch(Format f)
            throws Exception {
        String in = f.prefix + "-in";
        String outTopic = f.prefix + "-out";
        KAFKA.createTopic(in, 1);
        KAFKA.createTopic(outTopic, 1);
        AvroWireFormat rest = new AvroWireFormat(REGISTRY.url());
        int clickId = f.registerInput(rest, in + "-value");
        Map<byte[], List<String>> invalid = f.invalidInputs(clickId);
        Map<String, byte[]> invalidByKey = new LinkedHashMap<>();
        Map<String, List<String>> reasonsByKey = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(in, bytes("1"), f.click(clickId, "ann", 1)));
            producer.send(new ProducerRecord<>(in, bytes("2"), bytes("{\"user\": \"plain json\", \"count\": 1}")));
            producer.send(new ProducerRecord<>(in, bytes("3"), f.click(clickId, "bad", 3)));
            int key = 4;
            for (Map.Entry<byte[], List<String>> e : invalid.entrySet()) {
                invalidByKey.put(Integer.toString(key), e.getKey());
                reasonsByKey.put(Integer.toString(key), e.getValue());
                producer.send(new ProducerRecord<>(in, bytes(Integer.toString(key++)), e.getKey()));
            }
            producer.send(new ProducerRecord<>(in, bytes(Integer.toString(key)), f.click(clickId, "bo", 20)));
            producer.flush();
        }
        TaskSpec spec = TaskSpec.builder(f.prefix + "-scores", TaskSpec.Kind.BOLT).taskClass(ScoreBolt.class)
                .input(StreamingInputConfig.builder(in).bootstrapServers(KAFKA.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).valueFormat(f.format)
                        .schemaRegistry(registry()).build())
                .output(StreamingOutputConfig.builder(outTopic).bootstrapServers(KAFKA.bootstrapServers())
                        .valueFormat(f.format).valueSchema(f.outputSchema()).valueMessageType(f.messageType())
                        .schemaRegistry(registry()).build())
                .errors(ErrorPolicy.DEAD_LETTER).build();
        KafkaTopics topics = new KafkaTopics(KAFKA.bootstrapServers());

        int lettersExpected = 2 + invalid.size();
        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> letters;
        try (RunningTask task = RunningTask.start(spec, new ScoreBolt())) {
            out = topics.read(outTopic, false, 2, Duration.ofSeconds(40));
            letters = topics.read(in + ".dlq", false, lettersExpected, Duration.ofSeconds(40));
            RunSummary summary = task.stop(Duration.ofSeconds(20));
            assertThat(summary.deadLettered()).isEqualTo(lettersExpected);
        }

        JsonNode latest = rest.latest(outTopic + "-value");
        int scoredId = latest.get("id").asInt();
        f.checkLatest(rest, latest);
        assertThat(out).hasSize(2);
        List<String> read = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            assertThat(AvroWireFormat.idOf(r.value())).isEqualTo(scoredId);
            read.add(f.read(rest, r.value()));
        }
        assertThat(read).containsExactlyElementsOf(f.written());

        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        letters.forEach(l -> byKey.put(new String(l.key(), StandardCharsets.UTF_8), l));
        List<String> keys = new ArrayList<>(List.of("2", "3"));
        keys.addAll(invalidByKey.keySet());
        assertThat(byKey).containsOnlyKeys(keys);
        assertThat(header(byKey.get("2"), "geniusrise.reason")).contains("not in the schema registry's wire format");
        assertThat(byKey.get("2").headers().lastHeader("geniusrise.schema.id")).isNull();
        assertThat(header(byKey.get("3"), "geniusrise.schema.id")).isEqualTo(Integer.toString(scoredId));
        assertThat(header(byKey.get("3"), "geniusrise.reason")).contains(f.outputMismatch(scoredId));
        assertThat(new String(byKey.get("3").value(), StandardCharsets.UTF_8))
                .as("the dead letter carries what the bolt emitted").contains("\"count\":\"many\"");
        for (Map.Entry<String, byte[]> e : invalidByKey.entrySet()) {
            ConsumerRecord<byte[], byte[]> letter = byKey.get(e.getKey());
            assertThat(header(letter, "geniusrise.schema.id")).isEqualTo(Integer.toString(clickId));
            assertThat(header(letter, "geniusrise.reason")).contains(reasonsByKey.get(e.getKey()));
            assertThat(letter.value()).as("an input dead letter carries the original bytes").isEqualTo(e.getValue());
        }
    }

    private static SchemaRegistryConfig registry() {
        return new SchemaRegistryConfig(REGISTRY.url(), SubjectNameStrategy.TOPIC, true);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
