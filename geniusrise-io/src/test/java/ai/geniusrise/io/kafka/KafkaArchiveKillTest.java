package ai.geniusrise.io.kafka;

import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
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
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a Kafka→S3 bolt in its own JVM while its input is being written, kills it with SIGKILL at
 * random moments, restarts it, and finally stops it with SIGTERM; then reads every object the
 * destination shows and counts each input value: exactly once, none lost, none repeated. The S3
 * store and the broker live in the test's JVM, so they outlive every crash. The child's commits
 * linger a little ({@link LingeringS3Storage}), so that some kills fall between an object's commit
 * and its offset's, the moment the restart must recover from the destination itself.
 */
@ExtendWith(S3Extension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KafkaArchiveKillTest {

    private static final int RECORDS = 40_000;
    private static final int PARTITIONS = 4;
    private static final int KILLS = 4;
    private static final String GROUP = "kills.archiver";
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();
    private static KafkaTopics topics;

    @TempDir
    Path dir;

    @BeforeAll
    static void topics() {
        topics = new KafkaTopics(KAFKA.bootstrapServers());
    }

    private Process start(String topic, String destination, Map<String, String> options, int round)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), ArchiveChild.class.getName(),
                KAFKA.bootstrapServers(), topic, destination));
        options.forEach((k, v) -> command.add(k + "=" + v));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child-" + round + ".log").toFile()).start();
    }

    /** Writes the input in slices over a few seconds, so that the kills land mid-stream. */
    private static Thread feed(String topic) {
        Thread feeder = new Thread(() -> {
            int slice = RECORDS / 20;
            for (int from = 0; from < RECORDS; from += slice) {
                topics.produce(topic, from, slice, i -> "v" + i);
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "feeder");
        feeder.setDaemon(true);
        feeder.start();
        return feeder;
    }

    private static long committed() throws Exception {
        return topics.committed(GROUP).values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void everyInputRecordIsInExactlyOnePublishedObjectAcrossSigkills(S3Endpoint s3) throws Exception {
        String topic = "archive-kills";
        KAFKA.createTopic(topic, PARTITIONS);
        String bucket = s3.createBucket("kills");
        BatchOutputConfig out = BatchOutputConfig.builder("s3://" + bucket + "/archive").options(s3.options()).build();
        // the child writes there through LingeringS3Storage, which pauses after each object's commit, so that
        // kills also land between an object's commit and its offset's
        String lingering = "lingering-" + out.destination();
        Thread feeder = feed(topic);

        Random random = new Random(7);
        for (int round = 0; round < KILLS; round++) {
            long before = committed();
            Process child = start(topic, lingering, s3.options(), round);
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (committed() <= before && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(50);
            }
            // mid-stream now: kill it somewhere in its next few rolls
            Thread.sleep(random.nextInt(1000));
            assertThat(child.isAlive()).as("child %d still running before its kill; log:%n%s", round,
                    Files.readString(dir.resolve("child-" + round + ".log"))).isTrue();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        feeder.join(60_000);

        // a child that fails by itself (the store refusing a request, say) exits without committing, like a
        // crash: it is started again, as its pod would be
        int round = KILLS;
        Process last = start(topic, lingering, s3.options(), round);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (committed() < RECORDS && System.nanoTime() < deadline) {
            if (!last.isAlive() && round < KILLS + 3) {
                String why = Files.readAllLines(dir.resolve("child-" + round + ".log")).stream()
                        .filter(l -> l.startsWith("Exception in thread") || l.startsWith("Caused by"))
                        .collect(Collectors.joining(System.lineSeparator()));
                System.out.printf("kill test: child %d exited by itself with status %d; starting it again:%n%s%n",
                        round, last.exitValue(), why);
                last = start(topic, lingering, s3.options(), ++round);
            }
            Thread.sleep(200);
        }
        Path lastLog = dir.resolve("child-" + round + ".log");
        assertThat(committed()).as("offsets committed by the last run; log:%n%s", Files.readString(lastLog))
                .isEqualTo(RECORDS);
        last.destroy();
        assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(lastLog)).contains("task 'archiver': stopped and committed its objects and offsets");

        int resumed = 0;
        for (int r = 0; r <= round; r++) {
            resumed += Files.readString(dir.resolve("child-" + r + ".log")).split("after the last object published",
                    -1).length - 1;
        }
        System.out.printf("kill test: %d objects published, %d partition resumptions past a lost offset commit%n",
                Archives.published(out).size(), resumed);
        List<String> values = Archives.values(out);
        Map<String, Long> counts = values.stream().collect(Collectors.groupingBy(Function.identity(),
                Collectors.counting()));
        Set<String> repeated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .limit(10).collect(Collectors.toSet());
        Set<String> missing = new HashSet<>();
        for (int i = 0; i < RECORDS && missing.size() < 10; i++) {
            if (!counts.containsKey("V" + i)) {
                missing.add("V" + i);
            }
        }
        assertThat(repeated).as("values in more than one published object").isEmpty();
        assertThat(missing).as("values in no published object").isEmpty();
        assertThat(values).hasSize(RECORDS);
    }
}
