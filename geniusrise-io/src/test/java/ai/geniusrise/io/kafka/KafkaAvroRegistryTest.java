package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.config.SchemaRegistryConfig.SubjectNameStrategy;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import ai.geniusrise.testkit.schemaregistry.AvroWireFormat;
import ai.geniusrise.testkit.schemaregistry.SchemaRegistryExtension;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka with a schema registry and Avro: registration, subjects and string keys. The scenario of
 * reading, writing and dead-lettering records, the same for every format, is
 * {@link KafkaRegistryFormatsTest}.
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
        TaskSpec spec = TaskSpec.builder("strict", TaskSpec.Kind.BOLT)
                .taskClass(KafkaRegistryFormatsTest.ScoreBolt.class)
                .input(StreamingInputConfig.builder("sr-strict-in").bootstrapServers(KAFKA.bootstrapServers())
                        .valueFormat(SchemaFormat.AVRO).schemaRegistry(registry(SubjectNameStrategy.TOPIC, true))
                        .build())
                .output(out).build();
        try (RunningTask task = RunningTask.start(spec, new KafkaRegistryFormatsTest.ScoreBolt())) {
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
