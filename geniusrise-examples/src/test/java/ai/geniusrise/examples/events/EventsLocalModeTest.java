package ai.geniusrise.examples.events;

import ai.geniusrise.examples.LocalRun;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

    @TempDir
    Path dir;

    @Test
    void postedEventsFlowThroughAnEmbeddedKafkaAndTheRunStopsOnceIdle() throws Exception {
        int port = LocalRun.freePort();
        Path log = dir.resolve("run.log");
        try (LocalRun run = start(port, log, "--until-idle", "15s")) {
            Matcher started = run.awaitLine(LocalRun.KAFKA_LINE);
            assertThat(Path.of(started.group(2))).isEqualTo(dir.resolve(".geniusrise").resolve("kafka"));
            String bootstrap = started.group(1);
            HttpClient http = HttpClient.newHttpClient();
            for (String body : List.of("{\"user\":\"ada\",\"type\":\"CLICK\"}", "not json",
                    "{\"user\":\"bob\",\"type\":\"Scroll\"}")) {
                assertThat(run.whenListening(port, () -> post(http, port, body))).isEqualTo(200);
            }

            List<ConsumerRecord<String, String>> clean = read(bootstrap, "events-clean", 2);
            List<ConsumerRecord<String, String>> letters = read(bootstrap, "events.dlq", 1);

            assertThat(clean).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(
                    "{\"user\":\"ada\",\"type\":\"click\"}", "{\"user\":\"bob\",\"type\":\"scroll\"}");
            assertThat(letters).extracting(ConsumerRecord::value).containsExactly("not json");
            assertThat(run.awaitExit(Duration.ofSeconds(90))).as("the run stops once idle").isTrue();
            assertThat(run.exitValue()).as(run.output()).isZero();
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
        int port = LocalRun.freePort();
        Path log = dir.resolve("run.log");
        List<ConsumerRecord<String, String>> clean;
        try (LocalRun run = start(port, log, "--classpath", "target/classes", "--feed", "pipelines/data/clicks.jsonl",
                "--duration", "12s", "--progress-interval", "3s")) {
            String bootstrap = run.awaitLine(LocalRun.KAFKA_LINE).group(1);
            clean = read(bootstrap, "events-clean", 6);
            assertThat(run.awaitExit(Duration.ofSeconds(90))).as("the run stops after --duration").isTrue();
            assertThat(run.exitValue()).as(run.output()).isZero();
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
                + "([0-9]+) dead-lettered(?:, ([0-9]+) dropped)?\n  output: topic events-clean, on the local Kafka at ")
                .matcher(output);
        assertThat(cleaner.find()).as(output).isTrue();
        long posts = Long.parseLong(posted.group(1));
        assertThat(Long.parseLong(cleaner.group(1))).as("every accepted post was read").isEqualTo(posts);
        long out = Long.parseLong(cleaner.group(2));
        long dropped = cleaner.group(4) == null ? 0 : Long.parseLong(cleaner.group(4));
        assertThat(out + Long.parseLong(cleaner.group(3)) + dropped)
                .as("each record read is written, dead-lettered or dropped by the cleaner").isEqualTo(posts);
        try (EmbeddedKafka kept = EmbeddedKafka.builder().logDir(dir.resolve(".geniusrise").resolve("kafka")).build()
                .start()) {
            assertThat(EmbeddedKafka.read(kept.bootstrapServers(), "events-clean", (int) out + 1, Duration.ofSeconds(10)))
                    .as("the topic holds what the summary says")
                    .hasSize((int) out);
        }
    }

    /** {@code geniusrise run} of the example as written, in local mode, its listener on {@code port}. */
    private LocalRun start(int port, Path log, String... options) throws IOException {
        Path file = dir.resolve("events.yaml");
        Files.copy(Path.of("pipelines/events.yaml"), file);
        List<String> args = new ArrayList<>(List.of("run", file.toString()));
        args.addAll(List.of(options));
        return LocalRun.command(args.toArray(String[]::new)).without("KAFKA_BOOTSTRAP_SERVERS")
                .env("EVENTS_PORT", port).start(log);
    }

    private static int post(HttpClient http, int port, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static List<ConsumerRecord<String, String>> read(String bootstrap, String topic, int expected) {
        return EmbeddedKafka.read(bootstrap, topic, expected, Duration.ofSeconds(30));
    }
}
