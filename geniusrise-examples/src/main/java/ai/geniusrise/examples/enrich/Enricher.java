package ai.geniusrise.examples.enrich;

import ai.geniusrise.core.AsyncBolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Adds to each user event the {@code score} a remote API gives its user, calling the API with the
 * JDK's non-blocking HTTP client: with {@code inputConfig.ordering: key} up to {@code maxInFlight}
 * calls are pending at once, one user's events still in order. The API is {@code args.serviceUrl};
 * without it the bolt starts a {@link SlowService} of its own answering after
 * {@code args.delayMillis} (default 5), so the example runs on a laptop as it is. An answer other
 * than 200 fails the record, for the task's error policy.
 */
public final class Enricher extends AsyncBolt {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpClient http;
    private URI service;
    private SlowService ownService;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger mostPending = new AtomicInteger();

    /** For the runtime. */
    public Enricher() {
    }

    @Override
    public void open(TaskContext context) throws IOException {
        String url = context.args().string("serviceUrl", null);
        if (url == null) {
            ownService = SlowService.start(Duration.ofMillis(context.args().integer("delayMillis", 5)));
            service = ownService.uri();
            context.logger().info("calling a local stand-in for the scoring API at {}", service);
        } else {
            service = URI.create(url);
        }
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected CompletionStage<Void> processAsync(Record in, Emitter out) {
        JsonNode event = in.valueAsJson();
        String user = event.path("user").asText();
        HttpRequest request = HttpRequest.newBuilder(service.resolve("/score?user="
                + URLEncoder.encode(user, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build();
        mostPending.accumulateAndGet(pending.incrementAndGet(), Math::max);
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, error) ->
                pending.decrementAndGet()).thenAccept(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the scoring API answered " + response.statusCode() + " for " + user);
            }
            try {
                ObjectNode enriched = ((ObjectNode) event).put("score", JSON.readTree(response.body()).path("score")
                        .asInt());
                out.emit(in.withJsonValue(enriched));
            } catch (IOException e) {
                throw new IllegalStateException("the scoring API answered something that is not JSON", e);
            }
        });
    }

    @Override
    public void close() {
        context().logger().info("at most {} calls to the scoring API were pending at once", mostPending.get());
        if (ownService != null) {
            ownService.close();
        }
    }
}
