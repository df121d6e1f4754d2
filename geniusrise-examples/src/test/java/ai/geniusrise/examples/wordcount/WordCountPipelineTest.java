package ai.geniusrise.examples.wordcount;

import ai.geniusrise.cli.GeniusriseCommand;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the word-count example's pipeline file through the geniusrise command, as the README does. */
class WordCountPipelineTest {

    @TempDir
    Path dir;

    @Test
    void theExamplePipelineCountsTheWordsOfTheSampleBooks() throws IOException {
        Path examples = Path.of("").toAbsolutePath();
        Path copy = dir.resolve("geniusrise-examples");
        Path pipelines = Files.createDirectories(copy.resolve("pipelines"));
        copyTree(examples.resolve("data"), copy.resolve("data"));
        Files.copy(examples.resolve("pipelines/word-count.yaml"), pipelines.resolve("word-count.yaml"));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GeniusriseCommand.execute(new String[] {"run", pipelines.resolve("word-count.yaml").toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(code).as(err.toString()).isZero();
        Path output = dir.resolve(".geniusrise/output/word-count");
        assertThat(out.toString()).contains("task 'word-count' done").contains(output.toString());
        List<JsonNode> words = readCommitted(output);
        assertThat(words.get(0).get("word").asText()).isEqualTo("the");
        assertThat(words).anySatisfy(w -> {
            assertThat(w.get("word").asText()).isEqualTo("river");
            assertThat(w.get("count").asLong()).isEqualTo(countOf("river", examples.resolve("data/books")));
        });
        assertThat(words).noneMatch(w -> w.get("word").asText().length() < 3);
    }

    private static long countOf(String word, Path books) throws IOException {
        long n = 0;
        try (Stream<Path> files = Files.list(books)) {
            for (Path f : files.toList()) {
                for (String token : Files.readString(f).toLowerCase().split("[^\\p{L}\\p{N}]+")) {
                    n += token.equals(word) ? 1 : 0;
                }
            }
        }
        return n;
    }

    private static List<JsonNode> readCommitted(Path output) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        try (Stream<Path> markers = Files.list(output.resolve("_geniusrise"))) {
            for (Path marker : markers.filter(m -> m.getFileName().toString().startsWith("commit-")).toList()) {
                for (JsonNode part : json.readTree(marker.toFile()).get("parts")) {
                    for (String line : Files.readAllLines(output.resolve(part.asText()))) {
                        lines.add(json.readTree(line));
                    }
                }
            }
        }
        return lines;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
