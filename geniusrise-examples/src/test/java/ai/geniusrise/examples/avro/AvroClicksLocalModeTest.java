package ai.geniusrise.examples.avro;

import ai.geniusrise.examples.LocalRun;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import ai.geniusrise.testkit.schemaregistry.AvroWireFormat;
import ai.geniusrise.testkit.schemaregistry.EmbeddedSchemaRegistry;
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
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs pipelines/avro-clicks.yaml as written, in local mode with no Kafka and no registry
 * configured: local mode starts both; the test writes Avro clicks in the wire format with plain Avro
 * ({@link AvroWireFormat}: the schema registered through the registry's REST API), and once the run
 * stopped by itself reads the cleaned topic back the same independent way from servers started on
 * the folders the run kept (so the schema ids in the topic are still known), finding the record that
 * is not Avro in the dead letters.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AvroClicksLocalModeTest {

    private static final Pattern REGISTRY_LINE = Pattern.compile("local mode: schema registry at (\\S+) \\(schemas in (.+)\\)");

    @TempDir
    Path dir;

    @Test
    void avroClicksAreCleanedFromTopicToTopicThroughAnEmbeddedKafkaAndRegistry() throws Exception {
        Path file = LocalRun.copyExample("avro-clicks.yaml", dir);
        Schema click = new Schema.Parser().parse(Files.readString(dir.resolve("schemas/click.avsc")));
        Path log = dir.resolve("run.log");
        List<ConsumerRecord<byte[], byte[]>> clean;
        List<ConsumerRecord<byte[], byte[]>> letters;
        List<String> read = new ArrayList<>();
        try (LocalRun run = LocalRun.command("run", file.toString(), "--until-idle", "60s")
                .without("KAFKA_BOOTSTRAP_SERVERS").without("SCHEMA_REGISTRY_URL").start(log)) {
            String bootstrap = run.awaitLine(LocalRun.KAFKA_LINE).group(1);
            var started = run.awaitLine(REGISTRY_LINE);
            assertThat(Path.of(started.group(2))).isEqualTo(dir.resolve(".geniusrise").resolve("schema-registry"));
            int id = new AvroWireFormat(started.group(1)).register("clicks-avro-value", click);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("clicks-avro", null, AvroWireFormat.serialize(id, click("ada", "CLICK", "/home"))));
                producer.send(new ProducerRecord<>("clicks-avro", null, "{\"user\":\"json\"}".getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>("clicks-avro", null, AvroWireFormat.serialize(id, click("bob", "View", null))));
                producer.flush();
            }
            assertThat(run.awaitExit(Duration.ofSeconds(120))).as("the run stops once idle").isTrue();
            assertThat(run.exitValue()).as(run.output()).isZero();
        }
        // what the run kept, read back with servers started on its folders, as a second run would find it
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(dir.resolve(".geniusrise").resolve("kafka")).build()
                .start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                     .dataDir(dir.resolve(".geniusrise").resolve("schema-registry")).build().start()) {
            clean = EmbeddedKafka.readBytes(kafka.bootstrapServers(), "clicks-avro-clean", 2, Duration.ofSeconds(40));
            letters = EmbeddedKafka.readBytes(kafka.bootstrapServers(), "clicks-avro.dlq", 1, Duration.ofSeconds(40));
            for (ConsumerRecord<byte[], byte[]> r : clean) {
                GenericRecord g = new AvroWireFormat(registry.url()).deserialize(r.value());
                read.add(new String(r.key(), StandardCharsets.UTF_8) + " " + g.get("type") + " " + g.get("page"));
            }
        }
        assertThat(read).containsExactly("ada click /home", "bob view null");
        assertThat(letters).hasSize(1);
        assertThat(new String(letters.get(0).headers().lastHeader("geniusrise.reason").value(), StandardCharsets.UTF_8))
                .contains("not in the schema registry's wire format");
        assertThat(Files.readString(log)).contains("task 'cleaner' done");
    }

    private static GenericRecord click(String user, String type, String page) {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Click", "namespace": "ai.geniusrise.examples", "fields": [
                  {"name": "user", "type": "string"}, {"name": "type", "type": "string"},
                  {"name": "page", "type": ["null", "string"], "default": null}]}""");
        GenericRecord r = new GenericData.Record(schema);
        r.put("user", user);
        r.put("type", type);
        r.put("page", page);
        return r;
    }
}
