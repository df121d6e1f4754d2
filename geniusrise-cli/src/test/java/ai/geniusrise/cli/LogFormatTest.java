package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.UppercaseBolt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command's logging backend, as a container sees it: a run in a JVM of its own (logging is
 * configured once per JVM), its standard error read line by line.
 */
class LogFormatTest {

    @TempDir
    Path dir;
    Path pipeline;

    @BeforeEach
    void writePipeline() throws IOException {
        Path input = Files.createDirectories(dir.resolve("in"));
        Files.writeString(input.resolve("a.jsonl"), "{\"v\":\"a1\"}\n{\"v\":\"poison\"}\n");
        pipeline = dir.resolve("pipeline.yaml");
        Files.writeString(pipeline, """
                version: 1
                name: logs
                tasks:
                  - name: upper
                    type: bolt
                    class: %s
                    errors: dead-letter
                    config:
                      inputConfig: {type: batch, source: %s, format: jsonl}
                      outputConfig: {type: batch, destination: %s, format: jsonl}
                """.formatted(UppercaseBolt.class.getName(), input, dir.resolve("out")));
    }

    @Test
    void textIsOneLinePerEventWithItsLevel() throws Exception {
        List<String> err = run(null, "run", pipeline.toString());

        assertThat(err).anyMatch(line -> line.startsWith("[INFO] task 'upper'"))
                .anyMatch(line -> line.startsWith("[WARN] task 'upper'") && line.contains("dead letters"));
    }

    @Test
    void jsonOnRequestIsOneObjectPerLine() throws Exception {
        List<String> err = run("json", "run", pipeline.toString());

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : err) {
            events.add(json.readTree(line));
        }
        assertThat(events).isNotEmpty().allSatisfy(event -> {
            assertThat(event.path("timestamp").asLong()).isPositive();
            assertThat(event.path("level").asText()).isIn("INFO", "WARN", "ERROR");
            assertThat(event.path("loggerName").asText()).isNotEmpty();
        });
        assertThat(events).anySatisfy(event -> {
            assertThat(event.path("level").asText()).isEqualTo("WARN");
            assertThat(event.path("formattedMessage").asText()).startsWith("task 'upper'").contains("dead letters");
        });
    }

    @Test
    void verboseOptionTurnsOnDebugLines() throws Exception {
        List<String> err = run(null, "run", pipeline.toString(), "--verbose");

        assertThat(err).anyMatch(line -> line.startsWith("[DEBUG] "));
    }

    /** Runs the command in a child JVM with GENIUSRISE_LOG_FORMAT={@code format} (unset if null); its standard error. */
    private List<String> run(String format, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), GeniusriseCommand.class.getName()));
        command.addAll(List.of(args));
        Path err = dir.resolve("err.log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().remove("GENIUSRISE_LOG_LEVEL");
        pb.environment().remove(LocalMode.ENV_BOOTSTRAP);
        if (format == null) {
            pb.environment().remove("GENIUSRISE_LOG_FORMAT");
        } else {
            pb.environment().put("GENIUSRISE_LOG_FORMAT", format);
        }
        Process process = pb.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the run ended").isTrue();
        assertThat(process.exitValue()).as(Files.readString(err)).isZero();
        return Files.readAllLines(err);
    }
}
