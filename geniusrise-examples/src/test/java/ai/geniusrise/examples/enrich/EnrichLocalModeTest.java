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
 * Runs pipelines/enrich.yaml as written (with 3,000 events) with {@code geniusrise run} in its own
 * JVM, in local mode: the bolt calls a service answering in 5 ms on a topic of one partition; with
 * {@code ordering: key} many calls are pending at once (one call at a time would be one), the
 * progress lines show the enricher's rate, and every event is enriched.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class EnrichLocalModeTest {

    /** A progress line of the running enricher with its rate ({@code 850/s}, {@code 4.2k/s}). */
    private static final Pattern RATE = Pattern.compile(
            "progress \\S+\\s+enricher\\s+running\\s+in [\\d,]+\\s+out [\\d,]+\\s+failed \\d+\\s+[\\d.]+k?/s");
    private static final Pattern PENDING = Pattern.compile("at most (\\d+) calls to the scoring API were pending at once");

    @TempDir
    Path dir;

    @Test
    void enrichesEveryEventCallingTheSlowServiceManyAtOnceAndShowsTheRate() throws Exception {
        Path file = dir.resolve("enrich.yaml");
        Files.copy(Path.of("pipelines/enrich.yaml"), file);
        Path log = dir.resolve("run.log");
        try (LocalRun run = LocalRun.command("run", file.toString(), "--until-idle", "30s", "--progress-interval", "1s")
                .without("KAFKA_BOOTSTRAP_SERVERS").env("USERS_EVENTS", 3000).start(log)) {
            assertThat(run.awaitExit(Duration.ofSeconds(540))).as("the run stops once idle; log:%n%s", run.output())
                    .isTrue();
            assertThat(run.exitValue()).as(run.output()).isZero();
        }
        String output = Files.readString(log);
        System.out.println(output.lines().filter(l -> l.contains("progress") || l.contains("done in"))
                .reduce("", (a, b) -> a + b + "\n"));
        assertThat(output).containsPattern("task 'enricher' done in [\\d.]+ s: 3,?000 records in, 3,?000 out\\b")
                .containsPattern(RATE);
        Matcher pending = PENDING.matcher(output);
        assertThat(pending.find()).as(output).isTrue();
        assertThat(Integer.parseInt(pending.group(1))).as("calls pending at once").isGreaterThanOrEqualTo(8);
    }
}
