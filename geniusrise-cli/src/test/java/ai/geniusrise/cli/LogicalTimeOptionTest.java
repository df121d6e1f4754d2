package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.NumbersSpout;
import ai.geniusrise.cli.fixtures.UppercaseBolt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code geniusrise run --logical-time}: one time for every task of the run, formatted into their locations. */
@Timeout(60)
class LogicalTimeOptionTest {

    @TempDir
    Path dir;

    private Path pipeline() throws Exception {
        Path file = dir.resolve("daily.yaml");
        Files.writeString(file, """
                name: daily
                tasks:
                  - name: numbers
                    type: spout
                    class: %s
                    args: {count: 5}
                    config:
                      inputConfig: {type: batch, source: generated}
                      outputConfig: {type: batch, destination: "raw/dt={yyyy-MM-dd}"}
                  - name: upper
                    type: bolt
                    class: %s
                    config:
                      inputConfig: {type: batch, source: "raw/dt={yyyy-MM-dd}", format: text}
                      outputConfig: {type: batch, destination: "clean/{yyyy}/{MM}/{dd}", format: text}
                """.formatted(NumbersSpout.class.getName(), UppercaseBolt.class.getName()));
        return file;
    }

    @Test
    void theSpoutAndTheBoltOfOneRunUseTheSameDay() throws Exception {
        CliRun run = CliRun.of("run", pipeline().toString(), "--logical-time", "2024-05-01T23:30:00-02:00");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(CliRun.visibleLines(dir.resolve("raw/dt=2024-05-02"))).hasSize(5);
        assertThat(CliRun.visibleLines(dir.resolve("clean/2024/05/02"))).hasSize(5);
        assertThat(run.out()).contains("output: " + dir.resolve("clean/2024/05/02"));
    }

    @Test
    void aTimeThatIsNotIso8601IsAConfigurationError() throws Exception {
        CliRun run = CliRun.of("run", pipeline().toString(), "--logical-time", "yesterday");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--logical-time").contains("expected an ISO-8601 time such as "
                + "2024-05-01T10:00:00Z, got 'yesterday'");
    }
}
