package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.SlowBolt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stops a batch run in its own JVM — SIGKILL at a random moment, or SIGTERM — and checks that
 * nothing of the run is visible, and that running it again gives exactly a clean run's output.
 */
class InterruptedRunTest {

    private static final int OBJECTS = 6;
    private static final int LINES = 4000;

    @TempDir
    Path dir;

    private Path pipeline(String destination) throws IOException {
        Path in = dir.resolve("in");
        if (!Files.exists(in)) {
            Files.createDirectories(in);
            for (int o = 0; o < OBJECTS; o++) {
                try (BufferedWriter w = Files.newBufferedWriter(in.resolve("part-" + o + ".jsonl"))) {
                    for (int i = 0; i < LINES; i++) {
                        w.write("{\"object\":" + o + ",\"line\":" + i + ",\"text\":\"some words to carry along\"}\n");
                    }
                }
            }
        }
        Path file = dir.resolve(destination + ".yaml");
        Files.writeString(file, """
                name: interrupted
                tasks:
                  - name: slow
                    type: bolt
                    class: %s
                    args: {every: 200, sleepMillis: 15}
                    config:
                      inputConfig: {type: batch, source: in, parallelism: 2}
                      outputConfig: {type: batch, destination: %s, compression: gzip, maxRecordsPerPart: 1500}
                """.formatted(SlowBolt.class.getName(), destination));
        return file;
    }

    private ChildRun start(Path pipelineFile) throws IOException {
        return ChildRun.start(dir.resolve("child.log"), "run", pipelineFile.toString());
    }

    /** Waits until the child has written some part files: the moment the run is half done. */
    private static void awaitPartialOutput(Path destination, ChildRun child) throws Exception {
        child.await("the run wrote no parts", () -> {
            if (!Files.exists(destination)) {
                return false;
            }
            try (Stream<Path> files = Files.walk(destination)) {
                return files.filter(Files::isRegularFile).count() >= 2;
            }
        });
    }

    @Test
    void aRunKilledWithSigkillShowsNothingAndARerunEqualsACleanRun() throws Exception {
        CliRun clean = CliRun.of("run", pipeline("clean").toString());
        assertThat(clean.exitCode()).as(clean.err()).isZero();
        TreeMap<String, byte[]> expected = CliRun.visibleParts(dir.resolve("clean"));
        assertThat(expected).isNotEmpty();

        Path destination = dir.resolve("out");
        Path file = pipeline("out");
        try (ChildRun child = start(file)) {
            awaitPartialOutput(destination, child);
            Thread.sleep((long) (Math.random() * 300));
            child.kill();
        }

        assertThat(CliRun.visibleParts(destination)).as("nothing of a killed run is visible").isEmpty();
        assertThat(CliRun.filesOutsideMarkers(destination)).as("no part reached its final name").isEmpty();

        CliRun rerun = CliRun.of("run", file.toString());
        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        TreeMap<String, byte[]> actual = CliRun.visibleParts(destination);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((name, bytes) -> assertThat(actual.get(name)).as(name).isEqualTo(bytes));
        List<String> lines = new ArrayList<>(CliRun.visibleLines(destination));
        assertThat(lines).hasSize(OBJECTS * LINES).doesNotHaveDuplicates();
    }

    @Test
    void aSuccessfulRerunRemovesTheTemporaryPartsOfTheRunsKilledBeforeIt() throws Exception {
        Path destination = dir.resolve("out");
        Path file = pipeline("out");
        Path tmp = destination.resolve("_geniusrise").resolve("tmp");
        for (int kill = 0; kill < 3; kill++) {
            try (ChildRun child = start(file)) {
                awaitPartialOutput(destination, child);
                Thread.sleep((long) (Math.random() * 300));
                child.kill();
            }
        }
        assertThat(filesUnder(tmp)).as("the killed runs left temporary parts").isNotEmpty();

        CliRun rerun = CliRun.of("run", file.toString());

        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        assertThat(filesUnder(tmp)).as("temporary parts left after a successful rerun").isEmpty();
        assertThat(CliRun.visibleLines(destination)).hasSize(OBJECTS * LINES).doesNotHaveDuplicates();
    }

    private static List<Path> filesUnder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void sigtermStopsTheRunWithoutCommittingAnything() throws Exception {
        Path destination = dir.resolve("out");
        try (ChildRun child = start(pipeline("out"))) {
            awaitPartialOutput(destination, child);

            assertThat(child.stop()).isTrue();
            assertThat(child.exitValue()).isNotZero();
        }
        assertThat(CliRun.visibleParts(destination)).isEmpty();
        assertThat(CliRun.filesOutsideMarkers(destination)).isEmpty();
        assertThat(Files.readString(dir.resolve("child.log"))).contains("was stopped before its run finished");
    }
}
