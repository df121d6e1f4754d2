package ai.geniusrise.examples.enrich;

import ai.geniusrise.examples.LocalRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs pipelines/enrich.yaml as written with {@code geniusrise run} in its own JVM, in local mode:
 * the bolt calls a service answering in 5 ms, on a topic of one partition, so one call at a time
 * could not pass 200 records/s; with {@code ordering: key} the progress lines show it well above
 * that, and every event is enriched.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EnrichLocalModeTest {

    /** The enricher's rate in a progress line, in thousands of records per second ({@code 4.2k/s}, {@code 12k/s}). */
    private static final Pattern FAST = Pattern.compile("progress.*enricher\\s+running.*?\\s([\\d.]+)k/s");

    @TempDir
    Path dir;

    @Test
    void enrichesEveryEventCallingTheSlowServiceManyAtOnceAndShowsTheRate() throws Exception {
        Path file = dir.resolve("enrich.yaml");
        Files.copy(Path.of("pipelines/enrich.yaml"), file);
        Path log = dir.resolve("run.log");
        try (LocalRun run = LocalRun.command("run", file.toString(), "--until-idle", "10s", "--progress-interval", "1s")
                .without("KAFKA_BOOTSTRAP_SERVERS").start(log)) {
            assertThat(run.awaitExit(Duration.ofSeconds(200))).as("the run stops once idle").isTrue();
            assertThat(run.exitValue()).as(run.output()).isZero();
        }
        String output = Files.readString(log);
        System.out.println(output.lines().filter(l -> l.contains("progress") || l.contains("done in"))
                .reduce("", (a, b) -> a + b + "\n"));
        assertThat(output).containsPattern("task 'enricher' done in [\\d.]+ s: 20,?000 records in, 20,?000 out\\b");
        Matcher fast = FAST.matcher(output);
        assertThat(fast.find()).as("a progress line shows the enricher above 1,000 records/s (one call at a time on "
                + "one partition: 200/s at most); output:%n%s", output).isTrue();
        assertThat(Double.parseDouble(fast.group(1))).isGreaterThanOrEqualTo(1.0);
    }
}
