package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every file under {@code pipelines/broken} is rejected with the error its first line states:
 * {@code # expect: LINE:COLUMN message-part}. The message must start with
 * {@code file:LINE:COLUMN: } and contain the part.
 */
class BrokenPipelineFilesTest {

    private static final Pattern EXPECT = Pattern.compile("# expect: (\\d+):(\\d+) (.+)");

    static Stream<Path> brokenFiles() throws IOException, URISyntaxException {
        Path folder = Path.of(Objects.requireNonNull(
                BrokenPipelineFilesTest.class.getResource("/pipelines/broken")).toURI());
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yaml).hasSizeGreaterThanOrEqualTo(25);
            return yaml.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void brokenFileIsRejectedAtTheStatedLineAndColumnWithTheStatedMessage(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Matcher expect = EXPECT.matcher(text.lines().findFirst().orElse(""));
        assertThat(expect.matches()).as("first line of %s states '# expect: LINE:COLUMN message'", file).isTrue();
        int line = Integer.parseInt(expect.group(1));
        int column = Integer.parseInt(expect.group(2));
        String message = expect.group(3);

        assertThatThrownBy(() -> PipelineParser.parse(text, file, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.getMessage()).startsWith(file + ":" + line + ":" + column + ": ");
                    assertThat(e.getMessage()).contains(message);
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.column()).isEqualTo(column);
                });
    }
}
