package ai.geniusrise.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example of declaring an adapter's settings in {@code docs/design.md} is the S3 adapter's
 * own code, abridged: every line of it (comments aside) is a line of {@code S3Settings.java} or
 * {@code S3BatchStorage.java}, so the example cannot drift from the code.
 */
class DesignDocExampleTest {

    @Test
    void theSettingsExampleIsTheS3AdaptersCode() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        if (!Files.isDirectory(root.resolve("docs"))) {
            root = root.getParent();
        }
        String design = Files.readString(root.resolve("docs/design.md"), StandardCharsets.UTF_8);
        int heading = design.indexOf("Declaring an adapter's settings");
        assertThat(heading).as("docs/design.md explains declaring an adapter's settings").isPositive();
        int start = design.indexOf("```java\n", heading) + "```java\n".length();
        List<String> example = design.substring(start, design.indexOf("```", start)).lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("//")).toList();
        Path s3 = root.resolve("geniusrise-io/src/main/java/ai/geniusrise/io/s3");
        Set<String> code;
        try (Stream<String> a = Files.readAllLines(s3.resolve("S3Settings.java")).stream();
             Stream<String> b = Files.readAllLines(s3.resolve("S3BatchStorage.java")).stream()) {
            code = Stream.concat(a, b).map(String::trim).collect(Collectors.toSet());
        }
        assertThat(example).hasSizeGreaterThanOrEqualTo(10);
        assertThat(code).as("lines of S3Settings.java and S3BatchStorage.java").containsAll(example);
    }
}
