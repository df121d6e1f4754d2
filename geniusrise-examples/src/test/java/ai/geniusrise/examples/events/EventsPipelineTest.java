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
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path pipeline = Path.of("").toAbsolutePath().resolve("pipelines/events.yaml");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), GeniusriseCommand.class.getName(), "run",
                    pipeline.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile());
            pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            pb.environment().put("EVENTS_PORT", Integer.toString(port));
            Process run = pb.start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                List<String> bodies = List.of("{\"user\":\"ada\",\"type\":\"CLICK\"}", "{\"type\":\"VIEW\"}",
                        "not json", "{\"user\":\"bob\",\"type\":\"Scroll\"}");
                for (String body : bodies) {
                    assertThat(postUntilListening(http, port, body, run)).isEqualTo(200);
                }
                List<ConsumerRecord<String, String>> clean = read(kafka, "events-clean", 2);
                List<ConsumerRecord<String, String>> letters = read(kafka, "events.dlq", 1);

                assertThat(clean).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("ada", "bob");
                assertThat(clean).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(
                        "{\"user\":\"ada\",\"type\":\"click\"}", "{\"user\":\"bob\",\"type\":\"scroll\"}");
                assertThat(letters).extracting(ConsumerRecord::value).containsExactly("not json");
            } finally {
                run.destroy();
                assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            String log = Files.readString(dir.resolve("run.log"));
            assertThat(log).contains("task 'cleaner': stopped and committed its offsets on events");
        }
    }

    private int postUntilListening(HttpClient http, int port, String body, Process run) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            } catch (IOException notYetListening) {
                if (System.nanoTime() > deadline || !run.isAlive()) {
                    throw new AssertionError("the pipeline did not listen on port " + port + "; log:\n"
                            + Files.readString(dir.resolve("run.log")), notYetListening);
                }
                Thread.sleep(100);
            }
        }
    }

    private static List<ConsumerRecord<String, String>> read(EmbeddedKafka kafka, String topic, int expected) {
        return EmbeddedKafka.read(kafka.bootstrapServers(), topic, expected, Duration.ofSeconds(30));
    }
}
