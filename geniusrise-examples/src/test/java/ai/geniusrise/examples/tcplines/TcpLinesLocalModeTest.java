package ai.geniusrise.examples.tcplines;

import ai.geniusrise.cli.GeniusriseCommand;
import ai.geniusrise.examples.LocalRun;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pipelines/tcp-lines.yaml, a pipeline without any class: it validates and deploys as written, and
 * run in local mode (its own JVM, an embedded Kafka) it turns lines sent over a socket into
 * records of its topic, the over-long one into a dead letter, and stops once idle.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class TcpLinesLocalModeTest {

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
        int port = LocalRun.freePort();
        Path file = dir.resolve("tcp-lines.yaml");
        Files.copy(Path.of("pipelines/tcp-lines.yaml"), file);
        Path log = dir.resolve("run.log");
        try (LocalRun run = LocalRun.command("run", file.toString(), "--until-idle", "10s")
                .without("KAFKA_BOOTSTRAP_SERVERS").env("LINES_PORT", port).start(log)) {
            String bootstrap = run.awaitLine(LocalRun.KAFKA_LINE).group(1);
            try (Socket socket = run.whenListening(port, () -> new Socket("127.0.0.1", port));
                    OutputStream out = socket.getOutputStream()) {
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
            assertThat(run.awaitExit(Duration.ofSeconds(90))).as("the run stops once idle").isTrue();
            assertThat(run.exitValue()).as(run.output()).isZero();
        }
        assertThat(Files.readString(log)).contains("listening for lines on tcp://0.0.0.0:" + port)
                .contains("task 'lines' done");
    }
}
