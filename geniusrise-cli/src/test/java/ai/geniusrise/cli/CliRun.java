package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.UppercaseBolt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the geniusrise command in this JVM ({@link ChildRun} runs it in a JVM of its own), writes
 * the pipelines several tests share, and reads what a reader of our outputs would see.
 */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GeniusriseCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Skips the test unless the environment names no Kafka brokers, so that a whole-pipeline run goes to local mode. */
    static void assumeNoBrokersConfigured() {
        String env = System.getenv(LocalMode.ENV_BOOTSTRAP);
        assumeTrue(env == null || env.isBlank(), "KAFKA_BOOTSTRAP_SERVERS is set in this environment");
    }

    /**
     * Writes {@code dir/stream.yaml}: one streaming task, {@code upper}, upper-casing topic
     * {@code words} into {@code shouted}; {@code options} (such as {@code , bootstrapServers: "h:p"})
     * are added to both its input and its output config.
     */
    static Path uppercaseStream(Path dir, String options) throws IOException {
        Path file = dir.resolve("stream.yaml");
        Files.writeString(file, """
                version: 1
                name: stream
                tasks:
                  - name: upper
                    type: bolt
                    class: %s
                    config:
                      inputConfig: {type: streaming, source: words%s}
                      outputConfig: {type: streaming, destination: shouted%s}
                """.formatted(UppercaseBolt.class.getName(), options, options));
        return file;
    }

    /**
     * The committed parts under {@code destination}, by relative name, with their bytes
     * (decompressed): only parts listed by a commit marker count, as for our readers.
     */
    static TreeMap<String, byte[]> visibleParts(Path destination) {
        TreeMap<String, byte[]> parts = new TreeMap<>();
        Path markers = destination.resolve("_geniusrise");
        if (!Files.isDirectory(markers)) {
            return parts;
        }
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(markers)) {
            for (Path marker : files.filter(f -> f.getFileName().toString().startsWith("commit-")).toList()) {
                JsonNode node = json.readTree(marker.toFile());
                for (JsonNode part : node.get("parts")) {
                    Path file = destination.resolve(part.asText());
                    byte[] bytes = Files.readAllBytes(file);
                    if (file.getFileName().toString().endsWith(".gz")) {
                        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                            bytes = in.readAllBytes();
                        }
                    }
                    parts.put(part.asText(), bytes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parts;
    }

    /** All lines of the committed parts under {@code destination}, in part order. */
    static List<String> visibleLines(Path destination) {
        List<String> lines = new ArrayList<>();
        visibleParts(destination).values().forEach(b -> new String(b, StandardCharsets.UTF_8).lines().forEach(lines::add));
        return lines;
    }

    /** Every regular file under {@code destination} outside our {@code _geniusrise} folder. */
    static List<String> filesOutsideMarkers(Path destination) {
        if (!Files.exists(destination)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(destination)) {
            return files.filter(Files::isRegularFile).map(f -> destination.relativize(f).toString().replace('\\', '/'))
                    .filter(n -> !n.startsWith("_geniusrise/")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
