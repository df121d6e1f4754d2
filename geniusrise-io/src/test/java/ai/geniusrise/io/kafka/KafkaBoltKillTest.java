package ai.geniusrise.io.kafka;

import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.testkit.kafka.KafkaExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The duplicate bound of an at-least-once bolt, checked by killing it: a backlog is written first,
 * so that the bolt drains it at full speed; the bolt runs in its own JVM and is SIGKILLed at random
 * moments of that drain, restarted each time, and finally stopped with SIGTERM once it has
 * committed everything. Each output record carries the run that wrote it, so the records a run
 * wrote and a later run wrote again are that run's kill's duplicates: each kill's must stay within
 * {@code commitRecords} plus one poll batch (docs/design.md, "Duplicates after a crash"). The commit interval is an
 * hour, so only the count trigger commits during the drain: without it a kill repeats everything
 * its run processed. With {@code ordering: key} (256 in flight, the records of one key in order, of
 * different keys at once) the bound grows by what was in flight at the last commit: offsets are
 * committed only below the lowest record not finished.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class KafkaBoltKillTest {

    private static final int RECORDS = 150_000;
    private static final int PARTITIONS = 4;
    private static final int KILLS = 5;
    private static final long COMMIT_RECORDS = 5_000;
    /** The consumer's {@code max.poll.records} (its default): the bound allows one poll batch more. */
    private static final long ONE_POLL = 500;
    private static final int MAX_IN_FLIGHT = 256;
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();
    private static KafkaTopics topics;

    @TempDir
    Path dir;
    private final List<Process> children = new ArrayList<>();

    /** A failed or timed-out test leaves no child running. */
    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @BeforeAll
    static void topics() {
        topics = new KafkaTopics(KAFKA.bootstrapServers());
    }

    /** A child run; {@code drill} for one that is killed (only the count commits), else one that finishes. */
    private Process start(String in, String out, int generation, boolean drill, Ordering ordering) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), BoltChild.class.getName(),
                KAFKA.bootstrapServers(), in, out, Integer.toString(generation), Long.toString(COMMIT_RECORDS),
                drill ? "PT1H" : "PT1S"));
        if (ordering != Ordering.PARTITION) {
            command.addAll(List.of(ordering.name(), Integer.toString(MAX_IN_FLIGHT)));
        }
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log(generation).toFile()).start();
        children.add(child);
        return child;
    }

    private Path log(int generation) {
        return dir.resolve("child-" + generation + ".log");
    }

    /**
     * True if {@code child} ended by itself (on a loaded machine its first request to the broker may
     * time out): like a crashed pod it is started again, and counts as one more crash of the bound.
     */
    private boolean restartedAfterExitingByItself(Process child, int generation) throws IOException {
        if (child.isAlive()) {
            return false;
        }
        assertThat(generation).as("children that ended by themselves").isLessThan(KILLS + 3);
        List<String> lines = Files.readAllLines(log(generation));
        System.out.printf("kill test: child %d ended by itself with status %d; starting it again; its log ends:%n%s%n",
                generation, child.exitValue(), lines.stream().filter(l -> !l.startsWith("\t") && !l.startsWith(" "))
                        .skip(Math.max(0, lines.size() - 400)).filter(l -> !l.contains(" INFO "))
                        .collect(Collectors.joining(System.lineSeparator())));
        return true;
    }

    private static long committed(String in) throws Exception {
        return topics.committed("kills." + in).values().stream().mapToLong(Long::longValue).sum();
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"PARTITION", "KEY"})
    void eachSigkillRepeatsAtMostCommitRecordsWhileABacklogDrainsAndNothingIsLost(Ordering ordering) throws Exception {
        String in = "dups-in-" + ordering.yamlName();
        String out = "dups-out-" + ordering.yamlName();
        // by key: also the records in flight at the last commit, and the rest of the poll batch they came in
        long bound = COMMIT_RECORDS + ONE_POLL + (ordering == Ordering.PARTITION ? 0 : MAX_IN_FLIGHT + ONE_POLL);
        KAFKA.createTopic(in, PARTITIONS);
        KAFKA.createTopic(out, PARTITIONS);
        topics.produce(in, 0, RECORDS, i -> "v" + i);

        Random random = new Random(13);
        int generation = 0;
        for (int kills = 0; kills < KILLS; generation++) {
            Process child = start(in, out, generation, true, ordering);
            long written = topics.endOffsets(out);
            // kill it mid-drain, after it wrote 2 to 5 times commitRecords
            long target = written + COMMIT_RECORDS * 2 + random.nextInt((int) COMMIT_RECORDS * 3);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (topics.endOffsets(out) < target && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (!restartedAfterExitingByItself(child, generation)) {
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                kills++;
            }
        }

        // the last run commits every second too: it finishes the input, its commits are not under test
        Process last = start(in, out, generation, false, ordering);
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (committed(in) < RECORDS && System.nanoTime() < deadline) {
            if (restartedAfterExitingByItself(last, generation)) {
                last = start(in, out, ++generation, false, ordering);
            }
            Thread.sleep(200);
        }
        assertThat(committed(in)).as("offsets committed by the last run; log:%n%s", Files.readString(log(generation)))
                .isEqualTo(RECORDS);
        last.destroy();
        assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int lastGeneration = generation;

        long total = topics.endOffsets(out);
        List<ConsumerRecord<byte[], byte[]>> records = topics.read(out, false, (int) total, Duration.ofSeconds(60));
        assertThat(records).hasSize((int) total);
        // the runs that wrote each value
        Map<String, Set<Integer>> writers = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            int run = Integer.parseInt(new String(r.headers().lastHeader("generation").value(), StandardCharsets.UTF_8));
            writers.computeIfAbsent(new String(r.value(), StandardCharsets.UTF_8), v -> new HashSet<>()).add(run);
        }
        List<Long> repeatedPerKill = new ArrayList<>();
        for (int g = 0; g < lastGeneration; g++) {
            int crashed = g;
            repeatedPerKill.add(writers.values().stream()
                    .filter(runs -> runs.contains(crashed) && runs.stream().anyMatch(later -> later > crashed)).count());
        }
        System.out.printf("kill test: %d records out for %d in, repeated after each crash: %s (bound %d)%n", total,
                RECORDS, repeatedPerKill, bound);
        Set<String> missing = new HashSet<>();
        for (int i = 0; i < RECORDS && missing.size() < 10; i++) {
            if (!writers.containsKey("v" + i)) {
                missing.add("v" + i);
            }
        }
        assertThat(missing).as("values lost").isEmpty();
        assertThat(writers).hasSize(RECORDS);
        assertThat(repeatedPerKill).as("records written again after each crash, at most commitRecords + one poll (+ in flight)")
                .allSatisfy(repeated -> assertThat(repeated).isLessThanOrEqualTo(bound));
        assertThat(repeatedPerKill.stream().mapToLong(Long::longValue).sum()).as("every duplicate comes from a crash")
                .isEqualTo(total - RECORDS);
    }
}
