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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the events example (HTTP listener spout → Kafka → cleaning bolt → Kafka) with
 * {@code geniusrise run} in its own JVM against the test kit's broker, posts events over HTTP and
 * reads the cleaned topic.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EventsPipelineTest {

    @TempDir
    Path dir;

    @Test
    void postedEventsComeOutCleanedAndBadOnesGoToTheDeadLetters() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createTopic("events", 2);
            kafka.createTopic("events-clean", 2);
            int port = LocalRun.freePort();
            Path pipeline = Path.of("").toAbsolutePath().resolve("pipelines/events.yaml");
            try (LocalRun run = LocalRun.command("run", pipeline.toString())
                    .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()).env("EVENTS_PORT", port)
                    .start(dir.resolve("run.log"))) {
                HttpClient http = HttpClient.newHttpClient();
                List<String> bodies = List.of("{\"user\":\"ada\",\"type\":\"CLICK\"}", "{\"type\":\"VIEW\"}",
                        "not json", "{\"user\":\"bob\",\"type\":\"Scroll\"}");
                for (String body : bodies) {
                    assertThat(run.whenListening(port, () -> post(http, port, body))).isEqualTo(200);
                }
                List<ConsumerRecord<String, String>> clean = read(kafka, "events-clean", 2);
                List<ConsumerRecord<String, String>> letters = read(kafka, "events.dlq", 1);

                assertThat(clean).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("ada", "bob");
                assertThat(clean).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(
                        "{\"user\":\"ada\",\"type\":\"click\"}", "{\"user\":\"bob\",\"type\":\"scroll\"}");
                assertThat(letters).extracting(ConsumerRecord::value).containsExactly("not json");
                assertThat(run.stop()).as("the run stops on SIGTERM").isTrue();
            }
            String log = Files.readString(dir.resolve("run.log"));
            assertThat(log).contains("task 'cleaner': stopped and committed its offsets on events");
        }
    }

    private static int post(HttpClient http, int port, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static List<ConsumerRecord<String, String>> read(EmbeddedKafka kafka, String topic, int expected) {
        return EmbeddedKafka.read(kafka.bootstrapServers(), topic, expected, Duration.ofSeconds(30));
    }
}
