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
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka with a schema registry, in the Confluent wire format: records written by an independent
 * Avro serializer are read by our bolt, what it writes is read back by the same independent
 * deserializer, and a record that does not match its schema goes to the dead letters with the
 * schema's id.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaAvroRegistryTest {

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    static final Schema CLICK = new Schema.Parser().parse("""
            {"type": "record", "name": "Click", "namespace": "com.acme", "fields": [
              {"name": "user", "type": "string"},
              {"name": "count", "type": "int"}]}""");

    static final String SCORED = """
            {"type": "record", "name": "Scored", "namespace": "com.acme", "fields": [
              {"name": "user", "type": "string"},
              {"name": "count", "type": "long"},
              {"name": "note", "type": ["null", "string"], "default": null}]}""";

    /** Upper-cases the user, doubles the count; for user "bad", emits a count that is text. */
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

    private static SchemaRegistryConfig registry(SubjectNameStrategy strategy, boolean autoRegister) {
        return new SchemaRegistryConfig(REGISTRY.url(), strategy, autoRegister);
    }

    private static GenericRecord click(String user, int count) {
        GenericRecord r = new GenericData.Record(CLICK);
        r.put("user", user);
        r.put("count", count);
        return r;
    }

    @Test
    void readsRecordsOfAnAvroWireFormatProducerWritesAvroItReadsBackAndDeadLettersWhatDoesNotMatch()
            throws Exception {
        KAFKA.createTopic("sr-in", 1);
        KAFKA.createTopic("sr-out", 1);
        AvroWireFormat avro = new AvroWireFormat(REGISTRY.url());
        int clickId = avro.register("sr-in-value", CLICK);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("sr-in", bytes("1"), AvroWireFormat.serialize(clickId, click("ann", 1))));
            producer.send(new ProducerRecord<>("sr-in", bytes("2"), bytes("{\"user\": \"plain json\"}")));
            producer.send(new ProducerRecord<>("sr-in", bytes("3"), AvroWireFormat.serialize(clickId, click("bad", 3))));
            producer.send(new ProducerRecord<>("sr-in", bytes("4"), new byte[] {0, 0, 0, 0, (byte) clickId, 2}));
            producer.send(new ProducerRecord<>("sr-in", bytes("5"), AvroWireFormat.serialize(clickId, click("bo", 20))));
            producer.flush();
        }
        TaskSpec spec = TaskSpec.builder("scores", TaskSpec.Kind.BOLT).taskClass(ScoreBolt.class)
                .input(StreamingInputConfig.builder("sr-in").bootstrapServers(KAFKA.bootstrapServers())
                        .commitInterval(Duration.ofMillis(200)).valueFormat(SchemaFormat.AVRO)
                        .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build())
                .output(StreamingOutputConfig.builder("sr-out").bootstrapServers(KAFKA.bootstrapServers())
                        .valueFormat(SchemaFormat.AVRO).valueSchema(SCORED)
                        .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build())
                .errors(ErrorPolicy.DEAD_LETTER).build();
        KafkaTopics topics = new KafkaTopics(KAFKA.bootstrapServers());

        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> letters;
        try (RunningTask task = RunningTask.start(spec, new ScoreBolt())) {
            out = topics.read("sr-out", false, 2, Duration.ofSeconds(40));
            letters = topics.read("sr-in.dlq", false, 3, Duration.ofSeconds(40));
            RunSummary summary = task.stop(Duration.ofSeconds(20));
            assertThat(summary.deadLettered()).isEqualTo(3);
        }

        int scoredId = avro.latest("sr-out-value").get("id").asInt();
        assertThat(out).hasSize(2);
        List<String> read = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            assertThat(AvroWireFormat.idOf(r.value())).isEqualTo(scoredId);
            GenericRecord g = avro.deserialize(r.value());
            assertThat(g.getSchema().getFullName()).isEqualTo("com.acme.Scored");
            read.add(g.get("user") + ":" + g.get("count") + ":" + g.get("note"));
        }
        assertThat(read).containsExactly("ANN:2:null", "BO:40:null");

        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        letters.forEach(l -> byKey.put(new String(l.key(), StandardCharsets.UTF_8), l));
        assertThat(byKey).containsOnlyKeys("2", "3", "4");
        assertThat(header(byKey.get("2"), "geniusrise.reason")).contains("not in the schema registry's wire format");
        assertThat(byKey.get("2").headers().lastHeader("geniusrise.schema.id")).isNull();
        assertThat(header(byKey.get("3"), "geniusrise.schema.id")).isEqualTo(Integer.toString(scoredId));
        assertThat(header(byKey.get("3"), "geniusrise.reason")).contains("does not match Avro schema id " + scoredId)
                .contains("field 'count': expected a long, got text \"many\"");
        assertThat(new String(byKey.get("3").value(), StandardCharsets.UTF_8))
                .as("the dead letter carries what the bolt emitted").contains("\"count\":\"many\"");
        assertThat(header(byKey.get("4"), "geniusrise.schema.id")).isEqualTo(Integer.toString(clickId));
        assertThat(header(byKey.get("4"), "geniusrise.reason")).contains("does not match its Avro schema (id " + clickId);
        assertThat(byKey.get("4").value()).as("an input dead letter carries the original bytes")
                .containsExactly(0, 0, 0, 0, clickId, 2);
    }

    @Test
    void anOutputSchemaThatMustBeRegisteredAndIsNotStopsTheTaskAtStartNamingTheSubject() {
        KAFKA.createTopic("sr-strict-in", 1);
        KAFKA.createTopic("sr-strict-out", 1);
        StreamingOutputConfig out = StreamingOutputConfig.builder("sr-strict-out")
                .bootstrapServers(KAFKA.bootstrapServers()).valueFormat(SchemaFormat.AVRO).valueSchema(SCORED)
                .schemaRegistry(registry(SubjectNameStrategy.TOPIC, false)).build();
        assertThatThrownBy(() -> TopicSchemas.writing(out)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.outputConfig.valueSchema")
                .hasMessageContaining("not registered under the subject 'sr-strict-out-value'")
                .hasMessageContaining("autoRegister is false");
        TaskSpec spec = TaskSpec.builder("strict", TaskSpec.Kind.BOLT).taskClass(ScoreBolt.class)
                .input(StreamingInputConfig.builder("sr-strict-in").bootstrapServers(KAFKA.bootstrapServers())
                        .valueFormat(SchemaFormat.AVRO).schemaRegistry(registry(SubjectNameStrategy.TOPIC, true))
                        .build())
                .output(out).build();
        try (RunningTask task = RunningTask.start(spec, new ScoreBolt())) {
            assertThatThrownBy(() -> task.result.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(ConfigException.class)
                    .rootCause().hasMessageContaining("not registered under the subject 'sr-strict-out-value'");
        }
    }

    @Test
    void anOutputWithoutASchemaOfItsOwnWritesWithTheSubjectsLatestVersion() throws Exception {
        AvroWireFormat avro = new AvroWireFormat(REGISTRY.url());
        int id = avro.register("sr-latest-value", new Schema.Parser().parse(SCORED));
        TopicSchemas schemas = TopicSchemas.writing(StreamingOutputConfig.builder("sr-latest")
                .valueFormat(SchemaFormat.AVRO).schemaRegistry(registry(SubjectNameStrategy.TOPIC, false)).build());
        Record encoded = schemas.encode(Record.of("k", "{\"user\": \"x\", \"count\": 5, \"note\": \"hi\"}"));
        assertThat(AvroWireFormat.idOf(encoded.value())).isEqualTo(id);
        GenericRecord g = avro.deserialize(encoded.value());
        assertThat(g.get("count")).isEqualTo(5L);
        assertThat(g.get("note").toString()).isEqualTo("hi");
    }

    @Test
    void subjectsAreNamedByTheTopicTheRecordOrBoth() throws Exception {
        for (SubjectNameStrategy s : SubjectNameStrategy.values()) {
            StreamingOutputConfig.Builder b = StreamingOutputConfig.builder("sr-names-" + s.yamlName())
                    .valueFormat(SchemaFormat.AVRO).valueSchema(SCORED).schemaRegistry(registry(s, true));
            if (s == SubjectNameStrategy.TOPIC) {
                b.keyFormat(SchemaFormat.AVRO).keySchema("\"string\"");
            }
            TopicSchemas.writing(b.build());
        }
        List<String> subjects = new ArrayList<>();
        new AvroWireFormat(REGISTRY.url()).subjects().forEach(n -> subjects.add(n.asText()));
        assertThat(subjects).contains("sr-names-topic-value", "sr-names-topic-key", "com.acme.Scored",
                "sr-names-topic-record-com.acme.Scored");
        assertThatThrownBy(() -> TopicSchemas.writing(StreamingOutputConfig.builder("sr-names-x")
                .keyFormat(SchemaFormat.AVRO).keySchema("\"string\"")
                .schemaRegistry(registry(SubjectNameStrategy.RECORD, true)).build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.outputConfig.schemaRegistry.subjectNameStrategy")
                .hasMessageContaining("needs a schema that names its record");
    }

    @Test
    void keysWithAStringSchemaReachTheBoltAsTextAndAreWrittenBackAsAvroStrings() throws Exception {
        TopicSchemas out = TopicSchemas.writing(StreamingOutputConfig.builder("sr-keys")
                .keyFormat(SchemaFormat.AVRO).keySchema("\"string\"")
                .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build());
        Record encoded = out.encode(Record.of("user-7", "anything"));
        assertThat(encoded.value()).isEqualTo(bytes("anything"));
        assertThat(encoded.key()).hasSize(5 + 1 + 6); // header, length varint, "user-7"
        TopicSchemas in = TopicSchemas.reading(StreamingInputConfig.builder("sr-keys").keyFormat(SchemaFormat.AVRO)
                .schemaRegistry(registry(SubjectNameStrategy.TOPIC, true)).build());
        assertThat(in.decode(encoded).keyAsString()).isEqualTo("user-7");
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
