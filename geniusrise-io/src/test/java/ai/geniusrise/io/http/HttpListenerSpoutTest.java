package ai.geniusrise.io.http;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import com.sun.net.httpserver.Headers;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in HTTP listener spout writing to Kafka, driven by a real HTTP client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpListenerSpoutTest {

    private static EmbeddedKafka kafka;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static TaskSpec spec(String name, String topic, Map<String, String> options) {
        return TaskSpec.builder(name, TaskSpec.Kind.SPOUT).taskClass(HttpListenerSpout.class)
                .input(StreamingInputConfig.builder("http://127.0.0.1:0/events").properties(options).build())
                .output(StreamingOutputConfig.builder(topic).bootstrapServers(kafka.bootstrapServers()).build())
                .build();
    }

    /** The spout running on a thread of its own, with its port once it listens. */
    private record Running(TaskRunner runner, CompletableFuture<RunSummary> result, int port) {
        static Running start(TaskSpec spec) throws InterruptedException {
            return start(spec, new HttpListenerSpout());
        }

        static Running start(TaskSpec spec, HttpListenerSpout spout) throws InterruptedException {
            TaskRunner runner = TaskRunner.builder(spec).pipelineName("test").task(spout).build();
            CompletableFuture<RunSummary> result = CompletableFuture.supplyAsync(runner::run);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (spout.port() < 0 && !result.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return new Running(runner, result, spout.port());
        }

        RunSummary stop() throws Exception {
            runner.requestStop();
            return result.get(20, TimeUnit.SECONDS);
        }
    }

    private HttpResponse<String> post(int port, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void eachPostBodyIsARecordInKafkaOnceItIsAnswered200() throws Exception {
        kafka.createTopic("posts", 2);
        Running spout = Running.start(spec("posts", "posts", Map.of()));
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + spout.port() + "/events"))
                    .header("X-Record-Key", "user-" + i).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build();
            answers.add(http.sendAsync(r, HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            assertThat(a.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        // every 200 was given after the acknowledgement: the records are readable now, before any stop
        List<ConsumerRecord<byte[], byte[]>> records = read("posts", 50);
        RunSummary summary = spout.stop();

        assertThat(records).hasSize(50);
        assertThat(records).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).contains("user-0", "user-49");
        assertThat(records).allSatisfy(r -> assertThat(new String(r.headers().lastHeader("content-type").value(),
                StandardCharsets.UTF_8)).isEqualTo("application/json"));
        assertThat(summary.recordsOut()).isEqualTo(50);
    }

    @Test
    void refusesWrongTokensPathsMethodsAndOversizedBodies() throws Exception {
        kafka.createTopic("guarded", 1);
        Running spout = Running.start(spec("guarded", "guarded", Map.of("token", "s3cret", "maxBytes", "10")));
        int port = spout.port();

        assertThat(post(port, "/events", "x", Map.of()).statusCode()).isEqualTo(401);
        assertThat(post(port, "/events", "x", Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
        assertThat(post(port, "/other", "x", Map.of("Authorization", "Bearer s3cret")).statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(post(port, "/events", "01234567890", Map.of("Authorization", "Bearer s3cret")).statusCode())
                .isEqualTo(413);
        assertThat(post(port, "/events", "0123456789", Map.of("Authorization", "Bearer s3cret")).statusCode())
                .isEqualTo(200);
        spout.stop();

        assertThat(read("guarded", 2)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("0123456789");
    }

    @Test
    void aSubclassShapesRecordsFromTheBodyAndTheRequestHeaders() throws Exception {
        kafka.createTopic("shaped", 1);
        HttpListenerSpout tenantKeyed = new HttpListenerSpout() {
            @Override
            protected Record toRecord(byte[] body, Headers requestHeaders) {
                return super.toRecord(body, requestHeaders).withKey(requestHeaders.getFirst("X-Tenant"));
            }
        };
        Running spout = Running.start(spec("shaped", "shaped", Map.of()), tenantKeyed);

        assertThat(post(spout.port(), "/events", "{\"n\":1}", Map.of("X-Tenant", "acme")).statusCode()).isEqualTo(200);
        spout.stop();

        List<ConsumerRecord<byte[], byte[]>> records = read("shaped", 1);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("acme");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        });
    }

    @Test
    void aSourceThatIsNotAnHttpAddressIsAConfigError() {
        TaskSpec spec = TaskSpec.builder("bad", TaskSpec.Kind.SPOUT).taskClass(HttpListenerSpout.class)
                .input(StreamingInputConfig.builder("tcp://0.0.0.0:9000").build())
                .output(StreamingOutputConfig.builder("guarded").bootstrapServers(kafka.bootstrapServers()).build())
                .build();

        assertThatThrownBy(() -> TaskRunner.builder(spec).task(new HttpListenerSpout()).build().run())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.inputConfig.source")
                .hasMessageContaining("http://0.0.0.0:8080/events");
    }
    @Test
    void answers503WithRetryAfterWhileKafkaLagsAnd200OnceItCaughtUp() throws Exception {
        try (EmbeddedKafka own = EmbeddedKafka.builder().build().start()) {
            own.createTopic("lagging", 1);
            TaskSpec spec = TaskSpec.builder("lagging", TaskSpec.Kind.SPOUT).taskClass(HttpListenerSpout.class)
                    .input(StreamingInputConfig.builder("http://127.0.0.1:0/events")
                            .properties(Map.of("queueCapacity", "2")).build())
                    .output(StreamingOutputConfig.builder("lagging").bootstrapServers(own.bootstrapServers()).build())
                    .build();
            Running spout = Running.start(spec);
            assertThat(post(spout.port(), "/events", "before", Map.of()).statusCode()).isEqualTo(200);
            own.stop();

            // the first request blocks the spout's acknowledgement, two wait in the queue, the rest are refused
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + spout.port()
                        + "/events")).POST(HttpRequest.BodyPublishers.ofString("during " + i)).build(),
                        HttpResponse.BodyHandlers.ofString()));
                Thread.sleep(50);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (answers.stream().filter(CompletableFuture::isDone).count() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<HttpResponse<String>> refused = answers.stream().filter(CompletableFuture::isDone)
                    .map(CompletableFuture::join).toList();
            assertThat(refused).hasSizeGreaterThanOrEqualTo(5).allSatisfy(r -> {
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            });

            own.start();
            List<Integer> rest = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                if (!refused.contains(a.join())) {
                    rest.add(a.get(25, TimeUnit.SECONDS).statusCode());
                }
            }
            assertThat(rest).isNotEmpty().containsOnly(200);
            spout.stop();
        }
    }
}
