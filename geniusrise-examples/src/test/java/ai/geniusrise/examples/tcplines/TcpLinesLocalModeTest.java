package ai.geniusrise.examples.tcplines;

import ai.geniusrise.cli.GeniusriseCommand;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pipelines/tcp-lines.yaml, a pipeline without any class: it validates and deploys as written, and
 * run in local mode (its own JVM, an embedded Kafka) it turns lines sent over a socket into
 * records of its topic, the over-long one into a dead letter, and stops once idle.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class TcpLinesLocalModeTest {

    private static final Pattern KAFKA_LINE = Pattern.compile("local mode: Kafka at (\\S+) \\(data in (.+)\\)");

    @TempDir
    Path dir;

    @Test
    void validatesAndGeneratesWithoutAnyClass() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int valid = GeniusriseCommand.execute(new String[] {"validate", "pipelines/tcp-lines.yaml"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(valid).as(err.toString()).isZero();
        assertThat(out.toString()).contains("pipeline 'tcp-lines' is valid (1 task");

        int generated = GeniusriseCommand.execute(new String[] {"generate", "pipelines/tcp-lines.yaml", "-o",
                dir.resolve("deploy").toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(generated).as(err.toString()).isZero();
        assertThat(dir.resolve("deploy/k8s/lines.yaml")).exists();
    }

    @Test
    void linesSentOverASocketBecomeRecordsOfTheTopic() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path file = dir.resolve("tcp-lines.yaml");
        Files.copy(Path.of("pipelines/tcp-lines.yaml"), file);
        Path log = dir.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GeniusriseCommand.class.getName(), "run",
                file.toString(), "--until-idle", "10s").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        pb.environment().put("LINES_PORT", Integer.toString(port));
        Process run = pb.start();
        try {
            String bootstrap = awaitKafka(log, run).group(1);
            try (Socket socket = connect(port, run, log); OutputStream out = socket.getOutputStream()) {
                out.write(("first line\r\nsecond line\n" + "x".repeat(70_000) + "\nthird line")
                        .getBytes(StandardCharsets.UTF_8));
            }

            List<ConsumerRecord<String, String>> lines = EmbeddedKafka.read(bootstrap, "lines", 3,
                    Duration.ofSeconds(30));
            List<ConsumerRecord<String, String>> letters = EmbeddedKafka.read(bootstrap, "lines.dlq", 1,
                    Duration.ofSeconds(30));

            assertThat(lines).extracting(ConsumerRecord::value).containsExactly("first line", "second line",
                    "third line");
            assertThat(letters).singleElement().satisfies(r -> assertThat(r.value()).hasSize(65_536));
            assertThat(run.waitFor(90, TimeUnit.SECONDS)).as("the run stops once idle").isTrue();
            assertThat(run.exitValue()).as(Files.readString(log)).isZero();
        } finally {
            run.destroy();
            run.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(log)).contains("listening for lines on tcp://0.0.0.0:" + port)
                .contains("task 'lines' done");
    }

    private static Matcher awaitKafka(Path log, Process run) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = KAFKA_LINE.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return m;
            }
            if (!run.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run printed no local-mode Kafka line; log:\n" + Files.readString(log));
    }

    private static Socket connect(int port, Process run, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return new Socket("127.0.0.1", port);
            } catch (IOException notYetListening) {
                if (System.nanoTime() > deadline || !run.isAlive()) {
                    throw new AssertionError("the pipeline did not listen on port " + port + "; log:\n"
                            + Files.readString(log), notYetListening);
                }
                Thread.sleep(100);
            }
        }
    }
}
