package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.SlowBolt;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills an S3 → S3 batch run in its own JVM with SIGKILL at a random moment, while the store
 * (S3Proxy in this JVM) keeps running, then runs it again: nothing of the killed run is visible,
 * and the rerun's objects equal a clean run's byte for byte.
 */
@ExtendWith(S3Extension.class)
class S3InterruptedRunTest {

    private static final int OBJECTS = 6;
    private static final int LINES = 4000;

    @TempDir
    Path dir;

    S3Endpoint s3;
    S3Objects objects;
    String bucket;

    @BeforeEach
    void writeInput(S3Endpoint endpoint) {
        s3 = endpoint;
        bucket = endpoint.createBucket("killed");
        objects = new S3Objects(endpoint, bucket);
        for (int o = 0; o < OBJECTS; o++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < LINES; i++) {
                sb.append("{\"object\":").append(o).append(",\"line\":").append(i)
                        .append(",\"text\":\"some words to carry along\"}\n");
            }
            objects.put("in/part-" + o + ".jsonl", sb.toString());
        }
    }

    private Path pipeline(String destination) throws IOException {
        return pipeline(destination, "");
    }

    private Path pipeline(String destination, String outputSettings) throws IOException {
        StringBuilder defaults = new StringBuilder("defaults:\n  s3:\n");
        s3.options().forEach((k, v) -> defaults.append("    ").append(k).append(": \"").append(v).append("\"\n"));
        Path file = dir.resolve(destination + ".yaml");
        Files.writeString(file, """
                name: interrupted
                %stasks:
                  - name: slow
                    type: bolt
                    class: %s
                    args: {every: 200, sleepMillis: 15}
                    config:
                      inputConfig: {type: batch, source: "s3://%s/in", parallelism: 2}
                      outputConfig: {type: batch, destination: "s3://%s/%s", compression: gzip, maxRecordsPerPart: 1500%s}
                """.formatted(defaults, SlowBolt.class.getName(), bucket, bucket, destination, outputSettings));
        return file;
    }

    private ChildRun start(Path pipelineFile, String... options) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("run", pipelineFile.toString()));
        args.addAll(List.of(options));
        return ChildRun.start(dir.resolve("child.log"), args.toArray(String[]::new));
    }

    /** Waits until the child has uploaded some parts (multipart uploads not yet completed). */
    private void awaitPartialOutput(String prefix, ChildRun child) throws Exception {
        child.await("the run uploaded no parts", () -> objects.uploadsInProgress(prefix) >= 2);
    }

    @RepeatedTest(2)
    @Timeout(120)
    void aRunKilledWithSigkillShowsNothingAndARerunEqualsACleanRun() throws Exception {
        CliRun clean = CliRun.of("run", pipeline("clean").toString());
        assertThat(clean.exitCode()).as(clean.err()).isZero();
        TreeMap<String, byte[]> expected = objects.visibleParts("clean");
        assertThat(expected).isNotEmpty();

        Path file = pipeline("out");
        try (ChildRun child = start(file)) {
            awaitPartialOutput("out", child);
            Thread.sleep(ThreadLocalRandom.current().nextLong(300));
            child.kill();
        }

        assertThat(objects.visibleParts("out")).as("nothing of a killed run is visible").isEmpty();
        assertThat(objects.keysOutsideMarkers("out")).as("no upload was completed").isEmpty();

        CliRun rerun = CliRun.of("run", file.toString());
        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        TreeMap<String, byte[]> actual = objects.visibleParts("out");
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((name, bytes) -> assertThat(actual.get(name)).as(name).isEqualTo(bytes));
        assertThat(objects.keysOutsideMarkers("out")).as("no unlisted part is stored under the prefix")
                .isEqualTo(List.copyOf(actual.keySet()));
        assertThat(objects.uploadsInProgress("out")).as("the killed run's uploads were aborted by the rerun").isZero();
        List<String> lines = objects.visibleLines("out");
        assertThat(lines).hasSize(OBJECTS * LINES).doesNotHaveDuplicates();
    }

    @Test
    @Timeout(180)
    void aSuccessfulRunAbortsTheUploadsOfTheRunsKilledBeforeItThatItDoesNotRewrite() throws Exception {
        // each killed run wrote to the folder of its own day, which the final run does not write again
        Path file = pipeline("out", ", partitionBy: \"dt={yyyy-MM-dd}\"");
        for (int day = 1; day <= 3; day++) {
            try (ChildRun child = start(file, "--logical-time", "2024-05-0" + day + "T10:00:00Z")) {
                awaitPartialOutput("out", child);
                Thread.sleep(ThreadLocalRandom.current().nextLong(300));
                child.kill();
            }
        }
        assertThat(objects.uploadsInProgress("out")).as("the killed runs left uploads").isPositive();

        CliRun rerun = CliRun.of("run", file.toString(), "--logical-time", "2024-05-04T10:00:00Z");

        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        assertThat(objects.uploadsInProgress("out")).as("uploads left after a successful run").isZero();
        assertThat(objects.visibleParts("out").keySet()).allSatisfy(name -> assertThat(name).startsWith("dt=2024-05-04/"));
        assertThat(objects.visibleLines("out")).hasSize(OBJECTS * LINES).doesNotHaveDuplicates();
    }
}
