package ai.geniusrise.cli;

import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ctrl-C on {@code geniusrise run} of a streaming pipeline in local mode, in a JVM of its own:
 * the tasks drain and commit, the summary is printed, the embedded broker stops, and the exit
 * code is 130, what shells report for Ctrl-C. A second run then reads nothing again.
 */
@Timeout(180)
class CtrlCTest {

    private static final Pattern KAFKA_LINE = Pattern.compile("local mode: Kafka at (\\S+) \\(data in");
    private static final Pattern SUMMARY = Pattern.compile("task 'upper' done in [0-9.]+ s: ([0-9]+) records in, ([0-9]+) out");
    private static final int RECORDS = 2000;

    @TempDir
    Path dir;

    @Test
    void ctrlCDrainsCommitsPrintsTheSummaryAndStopsTheEmbeddedBroker() throws Exception {
        CliRun.assumeNoBrokersConfigured();
        Path file = CliRun.uppercaseStream(dir, "");
        Path log = dir.resolve("run.log");
        try (ChildRun run = ChildRun.startInLocalMode(log, "run", file.toString())) {
            assumeTrue(!ignoresSigint(run.process().pid()), "SIGINT is ignored in this environment (started in the background)");
            String bootstrap = run.awaitLine(KAFKA_LINE).group(1);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>("words", "k" + i, "{\"w\":\"word-" + i + "\"}"));
                }
            }
            assertThat(EmbeddedKafka.read(bootstrap, "shouted", 1, Duration.ofSeconds(60)))
                    .as("the run is processing").isNotEmpty();

            new ProcessBuilder("kill", "-INT", Long.toString(run.process().pid())).inheritIO().start().waitFor();

            assertThat(run.awaitExit(Duration.ofSeconds(60))).as("the run stops on Ctrl-C").isTrue();
            assertThat(run.exitValue()).as(run.output()).isEqualTo(130);
        }
        String first = Files.readString(log);
        Matcher summary = SUMMARY.matcher(first);
        assertThat(summary.find()).as(first).isTrue();
        long firstIn = Long.parseLong(summary.group(1));
        assertThat(Long.parseLong(summary.group(2))).isEqualTo(firstIn);

        // the broker of the first run has stopped: a second run can open its data folder, and reads only what the
        // first did not commit
        CliRun second = CliRun.of("run", file.toString(), "--until-idle", "5s");
        assertThat(second.exitCode()).as(second.err()).isZero();
        Matcher again = SUMMARY.matcher(second.out());
        assertThat(again.find()).as(second.out()).isTrue();
        assertThat(Long.parseLong(again.group(1))).as("records read twice or lost").isEqualTo(RECORDS - firstIn);

        Matcher kafka = KAFKA_LINE.matcher(second.out());
        assertThat(kafka.find()).isTrue();
        try (EmbeddedKafka broker = EmbeddedKafka.builder().logDir(dir.resolve(".geniusrise").resolve("kafka"))
                .build().start()) {
            List<String> values = new ArrayList<>();
            for (ConsumerRecord<String, String> r : broker.read("shouted", RECORDS)) {
                values.add(r.value());
            }
            assertThat(values).hasSize(RECORDS).doesNotHaveDuplicates().contains("{\"W\":\"WORD-0\"}",
                    "{\"W\":\"WORD-" + (RECORDS - 1) + "\"}");
        }
    }

    private static boolean ignoresSigint(long pid) throws IOException {
        Path status = Path.of("/proc/" + pid + "/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0;
            }
        }
        return false;
    }
}
