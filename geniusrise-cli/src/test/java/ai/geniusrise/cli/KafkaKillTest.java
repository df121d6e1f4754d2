package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.UppercaseBolt;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a Kafka→Kafka bolt (and the Kafka bridge spout, copying to a second cluster) as
 * {@code geniusrise run} in its own JVM while its input is being written, kills it with SIGKILL at
 * random moments, restarts it, and finally stops it with SIGTERM; then counts what reached the output.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KafkaKillTest {

    private static final int RECORDS = 200_000;
    private static final int KILLS = 3;
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private Path pipeline(String name, String guarantee) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                name: kills
                tasks:
                  - name: %s
                    type: bolt
                    class: %s
                    guarantee: %s
                    config:
                      inputConfig:
                        type: streaming
                        source: %s-in
                        bootstrapServers: "%s"
                        commitInterval: 500ms
                        # a killed member holds its partitions until its session expires: keep that short
                        properties: {session.timeout.ms: "6000", heartbeat.interval.ms: "1000"}
                      outputConfig: {type: streaming, destination: %s-out, bootstrapServers: "%s"}
                """.formatted(name, UppercaseBolt.class.getName(), guarantee, name, kafka.bootstrapServers(), name,
                kafka.bootstrapServers()));
        return file;
    }

    /** The Kafka bridge copying {@code <name>-in} of the test's broker to {@code <name>-out} of {@code target}. */
    private Path bridgePipeline(String name, EmbeddedKafka target) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                name: kills
                tasks:
                  - name: %s
                    type: spout
                    class: ai.geniusrise.io.kafka.KafkaBridgeSpout
                    config:
                      inputConfig:
                        type: streaming
                        source: %s-in
                        bootstrapServers: "%s"
                        commitInterval: 500ms
                        properties: {session.timeout.ms: "6000", heartbeat.interval.ms: "1000"}
                      outputConfig: {type: streaming, destination: %s-out, bootstrapServers: "%s"}
                """.formatted(name, name, kafka.bootstrapServers(), name, target.bootstrapServers()));
        return file;
    }

    private Process start(Path pipelineFile, int round) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                GeniusriseCommand.class.getName(), "run", pipelineFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child-" + round + ".log").toFile()).start();
    }

    /** Writes the input in slices over a few seconds, so that the kills land mid-stream. */
    private static Thread feed(String topic) {
        Thread feeder = new Thread(() -> {
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
                int slice = RECORDS / 20;
                for (int i = 0; i < RECORDS; i++) {
                    p.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
                    if (i % slice == slice - 1) {
                        p.flush();
                        Thread.sleep(400);
                    }
                }
                p.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "feeder");
        feeder.setDaemon(true);
        feeder.start();
        return feeder;
    }

    /**
     * The drill every test runs on {@code file}: feeds {@code <name>-in} while the task is killed
     * with SIGKILL at random moments ({@code seed}) and restarted, then lets it finish with SIGTERM.
     */
    private void drill(Path file, String name, long seed) throws Exception {
        Thread feeder = feed(name + "-in");
        killRepeatedly(file, name, seed);
        feeder.join(60_000);
        finishWithSigterm(file, name);
    }

    private void killRepeatedly(Path file, String name, long seed) throws Exception {
        Random random = new Random(seed);
        for (int round = 0; round < KILLS; round++) {
            long before = committed("kills." + name, name + "-in");
            Process child = start(file, round);
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (committed("kills." + name, name + "-in") <= before && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            // now the child is mid-stream: kill it at some moment of its next commit interval or two
            Thread.sleep(random.nextInt(1200));
            assertThat(child.isAlive()).as("child %d still running before its kill; log:%n%s", round,
                    Files.readString(dir.resolve("child-" + round + ".log"))).isTrue();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Starts the last child, waits until it committed the whole input, stops it with SIGTERM. */
    private void finishWithSigterm(Path file, String name) throws Exception {
        Process child = start(file, KILLS);
        Path childLog = dir.resolve("child-" + KILLS + ".log");
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (!Files.readString(childLog).contains("assigned [") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        while (committed("kills." + name, name + "-in") < RECORDS && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(committed("kills." + name, name + "-in")).as("offsets committed by the last run")
                .isEqualTo(RECORDS);
        child.destroy();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(childLog);
        assertThat(child.exitValue()).as("128 + SIGTERM, the JVM's status after a signal; log:%n%s", log)
                .isEqualTo(143);
        assertThat(log).contains("task '" + name + "': stopped and committed its offsets on " + name + "-in");
        assertThat(committed("kills." + name, name + "-in")).as("committed offsets after SIGTERM").isEqualTo(RECORDS);
    }

    private static long committed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(
                    Map.of(group, new ListConsumerGroupOffsetsSpec())).partitionsToOffsetAndMetadata(group)
                    .get(30, TimeUnit.SECONDS);
            return m.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    private static List<String> readAll(String topic, boolean readCommitted, long atLeast) {
        return readAll(kafka.bootstrapServers(), topic, readCommitted, atLeast);
    }

    private static List<String> readAll(String bootstrap, String topic, boolean readCommitted, long atLeast) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "verify-" + topic + "-" + readCommitted,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                int before = values.size();
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                if (values.size() != before) {
                    quietSince = System.nanoTime();
                } else if (values.size() >= atLeast && System.nanoTime() - quietSince > Duration.ofSeconds(2).toNanos()) {
                    break;
                }
            }
        }
        return values;
    }

    @Test
    void atLeastOnceLosesNothingAcrossSigkillsAndSigtermCommitsEverything() throws Exception {
        kafka.createTopic("alo-in", 4);
        kafka.createTopic("alo-out", 4);
        Path file = pipeline("alo", "at_least_once");
        drill(file, "alo", 11);

        List<String> out = readAll("alo-out", false, RECORDS);
        assertEveryValueArrived(out, "V");
    }

    @Test
    void kafkaBridgeLosesNothingAcrossSigkillsCopyingToAnotherCluster() throws Exception {
        try (EmbeddedKafka target = EmbeddedKafka.builder().build().start()) {
            kafka.createTopic("bridge-in", 4);
            target.createTopic("bridge-out", 4);
            Path file = bridgePipeline("bridge", target);
            drill(file, "bridge", 47);

            List<String> out = readAll(target.bootstrapServers(), "bridge-out", false, RECORDS);
            assertEveryValueArrived(out, "v");
        }
    }

    @Test
    void exactlyOnceShowsEachRecordOnceToReadCommittedConsumersAcrossSigkills() throws Exception {
        kafka.createTopic("eos-in", 4);
        kafka.createTopic("eos-out", 4);
        Path file = pipeline("eos", "exactly_once");
        drill(file, "eos", 29);

        List<String> out = readAll("eos-out", true, RECORDS);
        Map<String, Long> counts = out.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
        Set<String> duplicated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .limit(10).collect(Collectors.toSet());
        assertThat(duplicated).as("values seen more than once").isEmpty();
        assertThat(out).hasSize(RECORDS);
    }

    /** Every value {@code <prefix>0} to {@code <prefix>RECORDS-1} is in {@code out} (duplicates allowed). */
    private static void assertEveryValueArrived(List<String> out, String prefix) {
        Set<String> distinct = new HashSet<>(out);
        Set<String> missing = new HashSet<>();
        for (int i = 0; i < RECORDS; i++) {
            if (!distinct.contains(prefix + i)) {
                missing.add(prefix + i);
            }
        }
        assertThat(missing).as("values lost (%d records out, %d distinct)", out.size(), distinct.size()).isEmpty();
        assertThat(distinct).hasSize(RECORDS);
    }
}
