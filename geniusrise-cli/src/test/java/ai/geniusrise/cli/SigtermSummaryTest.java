package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.UppercaseBolt;
import ai.geniusrise.cli.fixtures.UppercaseMain;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM on a streaming task in a JVM of its own, the way a container is stopped: the task
 * drains and its summary line is printed before the JVM exits — every time, through both entry
 * points (the {@code geniusrise} command and a user's {@code main}). The JVM may exit as soon as
 * the shutdown hook is released, so a line printed after it is lost in some runs: hence the
 * repetitions.
 */
@Timeout(600)
class SigtermSummaryTest {

    private static final int RUNS = 10;
    private static final Pattern STREAMING = Pattern.compile("task 'upper': streaming on");

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.builder().build().start();
        kafka.createTopic("words", 1);
        kafka.createTopic("shouted", 1);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    private Path pipeline() throws IOException {
        return Files.writeString(dir.resolve("pipeline.yaml"), """
                name: sigterm
                tasks:
                  - name: upper
                    type: bolt
                    class: %s
                    config:
                      inputConfig: {type: streaming, source: words, bootstrapServers: "%s"}
                      outputConfig: {type: streaming, destination: shouted, bootstrapServers: "%s"}
                """.formatted(UppercaseBolt.class.getName(), kafka.bootstrapServers(), kafka.bootstrapServers()));
    }

    private void stopRepeatedly(String what, Pattern summary, Starter starter) throws Exception {
        Path file = pipeline();
        int printed = 0;
        StringBuilder missing = new StringBuilder();
        for (int i = 0; i < RUNS; i++) {
            Path log = dir.resolve(what + "-" + i + ".log");
            try (ChildRun run = starter.start(log, "run", file.toString(), "--task", "upper")) {
                run.awaitLine(STREAMING);
                run.process().destroy();
                assertThat(run.awaitExit(Duration.ofSeconds(60))).as("run %d stops on SIGTERM", i).isTrue();
                String output = run.output();
                if (summary.matcher(output).find()) {
                    printed++;
                } else {
                    missing.append("\n--- run ").append(i).append(":\n").append(output);
                }
            }
        }
        assertThat(printed).as("runs of %d that printed the summary line after SIGTERM; the others:%s", RUNS, missing)
                .isEqualTo(RUNS);
    }

    @Test
    void theCommandPrintsItsSummaryAfterSigtermEveryTime() throws Exception {
        stopRepeatedly("cli", Pattern.compile("task 'upper' done in [0-9.]+ s: [0-9]+ records in"), ChildRun::start);
    }

    @Test
    void aUsersMainPrintsItsSummaryAfterSigtermEveryTime() throws Exception {
        stopRepeatedly("main", Pattern.compile("task 'upper' done in [0-9.]+ s: [0-9]+ records in"),
                (log, args) -> ChildRun.startMain(UppercaseMain.class, log, args));
    }

    @FunctionalInterface
    private interface Starter {
        ChildRun start(Path log, String... args) throws IOException;
    }
}
