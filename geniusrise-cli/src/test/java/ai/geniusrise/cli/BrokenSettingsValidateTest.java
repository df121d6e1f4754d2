package ai.geniusrise.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file under {@code broken-settings} holds one mistake in an adapter's options, a spout's
 * properties, a {@code stateConfig} or {@code deploy:} — the kind a run, {@code generate} or
 * {@code apply} would hit — and {@code geniusrise validate} reports it: exit 2, no stack trace, the
 * message its first line states ({@code # expect: LINE:COLUMN message-part}) located at that
 * line and column (in {@code defaults:} for an inherited value).
 */
class BrokenSettingsValidateTest {

    private static final Pattern EXPECT = Pattern.compile("# expect: (\\d+):(\\d+) (.+)");

    static Stream<Path> brokenFiles() throws IOException, URISyntaxException {
        Path folder = Path.of(Objects.requireNonNull(
                BrokenSettingsValidateTest.class.getResource("/broken-settings")).toURI());
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yaml).hasSizeGreaterThanOrEqualTo(40);
            return yaml.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void validateExitsTwoWithTheMistakeAtItsLineAndColumn(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Matcher expect = EXPECT.matcher(text.lines().findFirst().orElse(""));
        assertThat(expect.matches()).as("first line of %s states '# expect: LINE:COLUMN message'", file).isTrue();

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(2);
        String first = run.err().lines().findFirst().orElse("");
        assertThat(first).startsWith("error: " + file + ":" + expect.group(1) + ":" + expect.group(2) + ": ")
                .contains(expect.group(3));
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("hunter2");
    }

    @Test
    void aKafkaPropertyTheClientDoesNotKnowPassesThroughWithALocatedWarning(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                version: 1
                name: p
                defaults:
                  kafka: {properties: {linger.msx: "5", acks: all}}
                tasks:
                  - name: t
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: in}
                      outputConfig: {type: streaming, destination: out}
                """);

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String warning = "warning: " + file + ":4:36: defaults.kafka.properties.linger.msx: 'linger.msx' is not a "
                + "property Kafka's producer, consumer or admin client knows; it is passed on as written (inherited "
                + "from defaults by task 't')";
        assertThat(run.err().lines().filter(warning::equals)).as(run.err()).hasSize(1);
        assertThat(run.err()).doesNotContain("'acks'");
    }
}
