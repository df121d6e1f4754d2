package ai.geniusrise.examples.events;

import ai.geniusrise.cli.GeniusriseCommand;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the seed's Example 2 (pipelines/events.yaml) as written, in its own JVM with no Kafka
 * configured: local mode starts an embedded broker, the test posts events to the listener, reads
 * the cleaned topic from the broker the run printed, and the run stops by itself once idle.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class EventsLocalModeTest {

    private static final Pattern KAFKA_LINE = Pattern.compile("local mode: Kafka at (\\S+) \\(data in (.+)\\)");

    @TempDir
    Path dir;

    @Test
    void postedEventsFlowThroughAnEmbeddedKafkaAndTheRunStopsOnceIdle() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path file = dir.resolve("events.yaml");
        Files.copy(Path.of("pipelines/events.yaml"), file);
        Path log = dir.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GeniusriseCommand.class.getName(), "run",
                file.toString(), "--until-idle", "15s").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        pb.environment().put("EVENTS_PORT", Integer.toString(port));
        Process run = pb.start();
        try {
            Matcher started = awaitLine(log, run);
            assertThat(Path.of(started.group(2))).isEqualTo(dir.resolve(".geniusrise").resolve("kafka"));
            String bootstrap = started.group(1);
            HttpClient http = HttpClient.newHttpClient();
            for (String body : List.of("{\"user\":\"ada\",\"type\":\"CLICK\"}", "not json",
                    "{\"user\":\"bob\",\"type\":\"Scroll\"}")) {
                assertThat(postUntilListening(http, port, body, run, log)).isEqualTo(200);
            }

            List<ConsumerRecord<String, String>> clean = read(bootstrap, "events-clean", 2);
            List<ConsumerRecord<String, String>> letters = read(bootstrap, "events.dlq", 1);

            assertThat(clean).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(
                    "{\"user\":\"ada\",\"type\":\"click\"}", "{\"user\":\"bob\",\"type\":\"scroll\"}");
            assertThat(letters).extracting(ConsumerRecord::value).containsExactly("not json");
            assertThat(run.waitFor(90, TimeUnit.SECONDS)).as("the run stops once idle").isTrue();
            assertThat(run.exitValue()).as(Files.readString(log)).isZero();
        } finally {
            run.destroy();
            run.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        assertThat(output).contains("stopping: no records read or written for 15s")
                .contains("task 'listener' done").contains("task 'cleaner' done");
        assertThat(dir.resolve(".geniusrise").resolve("kafka")).isDirectory();
    }

    /**
     * The README's second command: {@code --feed} posts the bundled clicks to the listener, the
     * progress lines count them, and the cleaned records are on {@code events-clean}.
     */
    @Test
    void theReadmesSecondCommandFeedsTheListenerAndShowsRecordsFlowing() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path file = dir.resolve("events.yaml");
        Files.copy(Path.of("pipelines/events.yaml"), file);
        Path log = dir.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GeniusriseCommand.class.getName(), "run",
                file.toString(), "--classpath", "target/classes", "--feed", "pipelines/data/clicks.jsonl",
                "--duration", "12s", "--progress-interval", "3s").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        pb.environment().put("EVENTS_PORT", Integer.toString(port));
        Process run = pb.start();
        String bootstrap;
        List<ConsumerRecord<String, String>> clean;
        try {
            bootstrap = awaitLine(log, run).group(1);
            clean = read(bootstrap, "events-clean", 6);
            assertThat(run.waitFor(90, TimeUnit.SECONDS)).as("the run stops after --duration").isTrue();
            assertThat(run.exitValue()).as(Files.readString(log)).isZero();
        } finally {
            run.destroy();
            run.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        assertThat(clean).extracting(ConsumerRecord::value).as("one pass over the bundled clicks, cleaned")
                .startsWith("{\"user\":\"ada\",\"type\":\"click\",\"page\":\"/home\"}",
                        "{\"user\":\"bob\",\"type\":\"view\",\"page\":\"/pricing\"}",
                        "{\"user\":\"cy\",\"type\":\"scroll\",\"page\":\"/docs\"}",
                        "{\"user\":\"ada\",\"type\":\"click\",\"page\":\"/docs/install\"}",
                        "{\"user\":\"dee\",\"type\":\"view\",\"page\":\"/blog\"}",
                        "{\"user\":\"bob\",\"type\":\"click\",\"page\":\"/signup\"}");
        assertThat(output).contains("local mode: posting the 16 lines of pipelines/data/clicks.jsonl to "
                        + "http://127.0.0.1:" + port + "/events")
                .containsPattern("progress [0-9]+s  listener  running  out [1-9][0-9,]*  failed 0")
                .containsPattern("progress [0-9]+s  cleaner   running  in [1-9][0-9,]*  out [1-9][0-9,]*  failed [0-9]+")
                .contains("stopping after 12s; draining and committing");
        Matcher posted = Pattern.compile("local mode: posted ([0-9]+) records").matcher(output);
        assertThat(posted.find()).as(output).isTrue();
        Matcher cleaner = Pattern.compile("task 'cleaner' done in [0-9.]+ s: ([0-9]+) records in, ([0-9]+) out, "
                + "([0-9]+) dead-lettered\n  output: topic events-clean, on the local Kafka at ").matcher(output);
        assertThat(cleaner.find()).as(output).isTrue();
        long posts = Long.parseLong(posted.group(1));
        assertThat(Long.parseLong(cleaner.group(1))).as("every accepted post was read").isEqualTo(posts);
        long out = Long.parseLong(cleaner.group(2));
        try (EmbeddedKafka kept = EmbeddedKafka.builder().logDir(dir.resolve(".geniusrise").resolve("kafka")).build()
                .start()) {
            assertThat(EmbeddedKafka.read(kept.bootstrapServers(), "events-clean", (int) out + 1, Duration.ofSeconds(10)))
                    .as("the topic holds what the summary says")
                    .hasSize((int) out);
        }
    }

    private static Matcher awaitLine(Path log, Process run) throws Exception {
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

    private static int postUntilListening(HttpClient http, int port, String body, Process run, Path log)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            } catch (IOException notYetListening) {
                if (System.nanoTime() > deadline || !run.isAlive()) {
                    throw new AssertionError("the pipeline did not listen on port " + port + "; log:\n"
                            + Files.readString(log), notYetListening);
                }
                Thread.sleep(100);
            }
        }
    }

    private static List<ConsumerRecord<String, String>> read(String bootstrap, String topic, int expected) {
        return EmbeddedKafka.read(bootstrap, topic, expected, Duration.ofSeconds(30));
    }
}
