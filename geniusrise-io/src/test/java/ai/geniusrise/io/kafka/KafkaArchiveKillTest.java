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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a Kafka→S3 bolt in its own JVM ({@code -Xmx256m}) while its input is being written, kills it
 * with SIGKILL at random moments, restarts it, and finally stops it with SIGTERM; then reads every
 * object the destination shows and counts each input value: exactly once, none lost, none repeated.
 * The S3 store and the broker live in the test's JVM, so they outlive every crash. The child's commits
 * linger a little ({@link LingeringS3Storage}), so that some kills fall between an object's commit
 * and its offset's, the moment the restart must recover from the destination itself. Once in JSON
 * lines over 4 partitions; once in parquet over 64 (64 open parquet parts in the 256 MiB heap, objects
 * rolled every 3 s or 1,000 records), the published objects read back by DuckDB.
 */
@ExtendWith(S3Extension.class)
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class KafkaArchiveKillTest {

    private static final int RECORDS = 40_000;
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

    @Test
    void everyInputRecordIsInExactlyOnePublishedObjectAcrossSigkills(S3Endpoint s3) throws Exception {
        BatchOutputConfig out = killAndRestart("archive-kills", 4, s3, Map.of(), i -> "v" + i);

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

    @Test
    void aParquetArchiveOfSixtyFourPartitionsInA256MegabyteHeapPutsEveryRecordInExactlyOnePublishedObject(
            S3Endpoint s3) throws Exception {
        BatchOutputConfig out = killAndRestart("parquet-kills", 64, s3, Map.of("format", "parquet",
                "maxRecordsPerPart", "1000", "flushInterval", "PT3S"),
                i -> "{\"v\":\"v" + i + "\",\"n\":" + i + "}");

        // the published objects (those the commit markers list), downloaded and read by DuckDB
        Path local = Files.createDirectories(dir.resolve("published"));
        String bucketAndPrefix = out.destination().substring("s3://".length());
        String bucket = bucketAndPrefix.substring(0, bucketAndPrefix.indexOf('/'));
        String prefix = bucketAndPrefix.substring(bucket.length() + 1);
        int n = 0;
        for (String name : Archives.published(out).keySet()) {
            assertThat(name).matches("parquet-kills/partition=\\d+/parquet-kills\\+\\d+\\+\\d{10}\\.parquet");
            s3.client().getObject(r -> r.bucket(bucket).key(prefix + "/" + name), local.resolve(n++ + ".parquet"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT \"N\"), sum(\"N\"), count(*) FILTER "
                     + "(WHERE \"V\" = 'V' || \"N\") FROM read_parquet('" + local + "/*.parquet')")) {
            rs.next();
            assertThat(rs.getLong(1)).as("records in the published objects").isEqualTo(RECORDS);
            assertThat(rs.getLong(2)).as("each record in exactly one published object").isEqualTo(RECORDS);
            assertThat(rs.getLong(3)).isEqualTo((long) RECORDS * (RECORDS - 1) / 2);
            assertThat(rs.getLong(4)).as("records with their values").isEqualTo(RECORDS);
        }
    }

    /**
     * Feeds {@link #RECORDS} values to a new topic of {@code partitions} while a child archiving it is
     * SIGKILLed {@link #KILLS} times, then runs a last child until every offset is committed and stops
     * it with SIGTERM.
     *
     * @return the destination, as a reader sees it
     */
    private BatchOutputConfig killAndRestart(String topic, int partitions, S3Endpoint s3, Map<String, String> extra,
                                             IntFunction<String> value) throws Exception {
        KAFKA.createTopic(topic, partitions);
        String bucket = s3.createBucket(topic);
        BatchOutputConfig out = BatchOutputConfig.builder("s3://" + bucket + "/archive").options(s3.options()).build();
        Map<String, String> options = new HashMap<>(s3.options());
        options.putAll(extra);
        // the child writes there through LingeringS3Storage, which pauses after each object's commit, so that
        // kills also land between an object's commit and its offset's
        String lingering = "lingering-" + out.destination();
        Thread feeder = feed(topic, value);

        Random random = new Random(7);
        for (int round = 0; round < KILLS; round++) {
            long before = committed(topic);
            Process child = start(topic, lingering, options, round);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (committed(topic) <= before && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(50);
            }
            // mid-stream now: kill it somewhere in its next few rolls
            Thread.sleep(random.nextInt(1000));
            assertThat(child.isAlive()).as("child %d still running before its kill; log:%n%s", round,
                    log(topic, round)).isTrue();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        feeder.join(60_000);

        // a child that fails by itself (the store refusing a request, say) exits without committing, like a
        // crash: it is started again, as its pod would be
        int round = KILLS;
        Process last = start(topic, lingering, options, round);
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (committed(topic) < RECORDS && System.nanoTime() < deadline) {
            if (!last.isAlive() && round < KILLS + 3) {
                String why = Files.readAllLines(dir.resolve(topic + "-" + round + ".log")).stream()
                        .filter(l -> l.startsWith("Exception in thread") || l.startsWith("Caused by"))
                        .collect(Collectors.joining(System.lineSeparator()));
                System.out.printf("kill test: child %d exited by itself with status %d; starting it again:%n%s%n",
                        round, last.exitValue(), why);
                last = start(topic, lingering, options, ++round);
            }
            Thread.sleep(200);
        }
        assertThat(committed(topic)).as("offsets committed by the last run; log:%n%s", log(topic, round))
                .isEqualTo(RECORDS);
        last.destroy();
        assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(log(topic, round)).contains("task 'archiver': stopped and committed its objects and offsets")
                .doesNotContain("OutOfMemoryError");

        int resumed = 0;
        for (int r = 0; r <= round; r++) {
            resumed += log(topic, r).split("after the last object published", -1).length - 1;
        }
        System.out.printf("kill test (%s): %d objects published, %d partition resumptions past a lost offset "
                + "commit%n", topic, Archives.published(out).size(), resumed);
        return out;
    }

    private Process start(String topic, String destination, Map<String, String> options, int round)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                ArchiveChild.class.getName(), KAFKA.bootstrapServers(), topic, destination));
        options.forEach((k, v) -> command.add(k + "=" + v));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(topic + "-" + round + ".log").toFile()).start();
    }

    private String log(String topic, int round) throws IOException {
        return Files.readString(dir.resolve(topic + "-" + round + ".log"));
    }

    /** Writes the input in slices over a few seconds, so that the kills land mid-stream. */
    private static Thread feed(String topic, IntFunction<String> value) {
        Thread feeder = new Thread(() -> {
            int slice = RECORDS / 20;
            for (int from = 0; from < RECORDS; from += slice) {
                topics.produce(topic, from, slice, value);
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

    /** The offsets the archiver's group committed on {@code topic}, summed over its partitions. */
    private static long committed(String topic) throws Exception {
        return topics.committed(GROUP).entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                .mapToLong(Map.Entry::getValue).sum();
    }
}
