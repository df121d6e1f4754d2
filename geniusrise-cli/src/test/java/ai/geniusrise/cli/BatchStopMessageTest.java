package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.SlowBolt;
import ai.geniusrise.cli.fixtures.UppercaseMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM on a batch run in a JVM of its own: the message that says the run was stopped is printed
 * exactly once — not lost to the JVM's exit, not printed twice (by the runner and by the entry
 * point) — through each entry point: a whole pipeline, one task ({@code --task}), and a user's
 * {@code main}. Whether a message printed late is lost depends on timing, hence a few runs of each.
 * Each run takes a few seconds: waiting for the run to start and to stop is bounded at 60 s each.
 */
@Timeout(300)
class BatchStopMessageTest {

    private static final int RUNS = 3;
    private static final Pattern STARTED = Pattern.compile("task 'slow': [0-9]+ object\\(s\\) to read");
    private static final Pattern STOPPED = Pattern.compile("task 'slow' was stopped before its run finished");

    @TempDir
    Path dir;

    private Path pipeline() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        for (int o = 0; o < 4; o++) {
            try (BufferedWriter w = Files.newBufferedWriter(in.resolve("part-" + o + ".jsonl"))) {
                for (int i = 0; i < 4000; i++) {
                    w.write("{\"object\":" + o + ",\"line\":" + i + "}\n");
                }
            }
        }
        // 16,000 records, 20 ms asleep every 50: about 3 s per worker at the least, so SIGTERM finds it running
        return Files.writeString(dir.resolve("pipeline.yaml"), """
                name: stopped
                tasks:
                  - name: slow
                    type: bolt
                    class: %s
                    args: {every: 50, sleepMillis: 20}
                    config:
                      inputConfig: {type: batch, source: in, parallelism: 2}
                      outputConfig: {type: batch, destination: out}
                """.formatted(SlowBolt.class.getName()));
    }

    private void stopRepeatedly(String what, Starter starter) throws Exception {
        Path file = pipeline();
        for (int i = 0; i < RUNS; i++) {
            Path log = dir.resolve(what + "-" + i + ".log");
            try (ChildRun run = starter.start(log, file)) {
                run.awaitLine(STARTED);
                run.process().destroy();
                assertThat(run.awaitExit(Duration.ofSeconds(60))).as("run %d stops on SIGTERM", i).isTrue();
                String output = run.output();
                assertThat(run.exitValue()).as("exit code of run %d; output:%n%s", i, output).isNotZero();
                Matcher m = STOPPED.matcher(output);
                int times = 0;
                while (m.find()) {
                    times++;
                }
                assertThat(times).as("times run %d said it was stopped; output:%n%s", i, output).isEqualTo(1);
                assertThat(CliRun.visibleParts(dir.resolve("out"))).as("nothing of a stopped run is visible").isEmpty();
            }
        }
    }

    @Test
    void aStoppedPipelineRunSaysSoOnce() throws Exception {
        stopRepeatedly("pipeline", (log, file) -> ChildRun.start(log, "run", file.toString()));
    }

    @Test
    void aStoppedTaskRunSaysSoOnce() throws Exception {
        stopRepeatedly("task", (log, file) -> ChildRun.start(log, "run", file.toString(), "--task", "slow"));
    }

    @Test
    void aStoppedRunOfAUsersMainSaysSoOnce() throws Exception {
        stopRepeatedly("main", (log, file) -> ChildRun.startMain(UppercaseMain.class, log, "run", file.toString(),
                "--task", "slow"));
    }

    @FunctionalInterface
    private interface Starter {
        ChildRun start(Path log, Path pipeline) throws IOException;
    }
}
