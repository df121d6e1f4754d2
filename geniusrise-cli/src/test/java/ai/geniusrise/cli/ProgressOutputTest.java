package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.SlowBolt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Without a terminal, a whole-pipeline run prints a progress line per running task every interval. */
@Timeout(120)
class ProgressOutputTest {

    private static final Pattern LINE = Pattern.compile(
            "progress ([0-9]+)s  slow  running  objects ([0-9]+)/4  in ([0-9,]+)  out ([0-9,]+)  failed 0(  [0-9.]+k?/s)?");

    @TempDir
    Path dir;

    @Test
    void aRunWithoutTerminalPrintsAProgressLinePerRunningTaskEveryInterval() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        for (int o = 0; o < 4; o++) {
            try (BufferedWriter w = Files.newBufferedWriter(in.resolve("part-" + o + ".jsonl"))) {
                for (int i = 0; i < 2000; i++) {
                    w.write("{\"object\":" + o + ",\"line\":" + i + "}\n");
                }
            }
        }
        Path file = dir.resolve("slow.yaml");
        Files.writeString(file, """
                name: progress
                tasks:
                  - name: slow
                    type: bolt
                    class: %s
                    args: {every: 100, sleepMillis: 50}
                    config:
                      inputConfig: {type: batch, source: in, parallelism: 1}
                      outputConfig: {type: batch, destination: out}
                """.formatted(SlowBolt.class.getName()));

        CliRun run = CliRun.of("run", file.toString(), "--progress-interval", "1s");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Matcher> lines = run.out().lines().map(LINE::matcher).filter(Matcher::matches).toList();
        assertThat(lines).as(run.out()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines).extracting(m -> Long.parseLong(m.group(1)))
                .as("one line a second, in order").isSorted().doesNotHaveDuplicates();
        assertThat(lines).extracting(m -> Long.parseLong(m.group(3).replace(",", "")))
                .as("the counts grow while the task reads").isSorted().allMatch(n -> n <= 8000);
        assertThat(lines.get(lines.size() - 1).group(5)).as("a rate from the second line on").isNotNull();
        assertThat(run.out()).doesNotContain("\033[").contains("task 'slow' done")
                .contains("8000 records in, 8000 out");
    }
}
