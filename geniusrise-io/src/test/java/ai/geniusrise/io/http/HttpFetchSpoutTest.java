package ai.geniusrise.io.http;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.testkit.HarnessFailure;
import ai.geniusrise.testkit.TaskHarness;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP fetch spout against a local HTTP server (the JDK's). */
@Timeout(30)
class HttpFetchSpoutTest {

    /** A canned answer: status, body, and a delay before answering. */
    record Answer(int status, String body, long delayMillis) {
    }

    private HttpServer server;
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String lastAuthorization;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/data", this::answer);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
        Answer a;
        synchronized (answers) {
            a = answers.size() > 1 ? answers.poll() : answers.peek();
        }
        try {
            Thread.sleep(a.delayMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void answers(Answer... list) {
        answers.addAll(java.util.List.of(list));
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/data";
    }

    private <T extends HttpFetchSpout> TaskHarness<T> harness(Class<T> type, String url, Map<String, ?> args) {
        return TaskHarness.of(type).input(BatchInputConfig.builder(url).build())
                .output(BatchOutputConfig.builder(TaskHarness.DEFAULT_OUTPUT).build())
                .args(args).open();
    }

    private TaskHarness<HttpFetchSpout> harness(Map<String, ?> args) {
        return harness(HttpFetchSpout.class, url(), args);
    }

    @Test
    void aJsonArrayBodyBecomesOneRecordPerElement() {
        answers(new Answer(200, " [ {\"a\":1}, {\"b\":[2,3]}, \"text\", 4 ]", 0));
        try (TaskHarness<HttpFetchSpout> h = harness(Map.of())) {
            assertThat(h.produce().emittedValues()).containsExactly("{\"a\":1}", "{\"b\":[2,3]}", "\"text\"", "4");
        }
    }

    @Test
    void aJsonLinesBodyBecomesOneRecordPerNonBlankLine() {
        answers(new Answer(200, "{\"a\":1}\r\n\n{\"a\":2}\n{\"a\":3}", 0));
        try (TaskHarness<HttpFetchSpout> h = harness(Map.of())) {
            assertThat(h.produce().emittedValues()).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
        }
    }

    @Test
    void serverErrorsAreRetriedWithBackoffUntilTheFetchSucceeds() {
        answers(new Answer(503, "busy", 0), new Answer(500, "", 0), new Answer(200, "[1]", 0));
        try (TaskHarness<HttpFetchSpout> h = harness(Map.of("backoffMillis", 10))) {
            assertThat(h.produce().emittedValues()).containsExactly("1");
        }
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void persistentServerErrorsFailAfterMaxAttemptsNamingTheUrlAndStatus() {
        answers(new Answer(503, "come back later", 0));
        try (TaskHarness<HttpFetchSpout> h = harness(Map.of("backoffMillis", 5, "maxAttempts", 3))) {
            assertThatThrownBy(h::produce).isInstanceOf(HarnessFailure.class)
                    .hasMessageContaining(url()).hasMessageContaining("HTTP 503").hasMessageContaining("3 attempt(s)");
        }
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void clientErrorsFailAtOnceWithoutRetry() {
        answers(new Answer(404, "no such thing", 0));
        try (TaskHarness<HttpFetchSpout> h = harness(Map.of("backoffMillis", 5))) {
            assertThatThrownBy(h::produce).hasMessageContaining("HTTP 404").hasMessageContaining("not retried");
        }
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aSlowServerIsRetriedAfterTheTimeout() {
        answers(new Answer(200, "[1]", 1500), new Answer(200, "[2]", 0));
        try (TaskHarness<HttpFetchSpout> h = harness(Map.of("timeoutSeconds", 1, "backoffMillis", 5))) {
            assertThat(h.produce().emittedValues()).containsExactly("2");
        }
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void aBodyLargerThanMaxBytesFailsTheRun() {
        answers(new Answer(200, "{\"a\":1}\n".repeat(100), 0));
        try (TaskHarness<HttpFetchSpout> h = harness(Map.of("maxBytes", 100))) {
            assertThatThrownBy(h::produce).hasMessageContaining("maxBytes (100)");
        }
    }

    @Test
    void aSourceThatIsNotAnHttpUrlIsAConfigError() {
        assertThatThrownBy(() -> harness(HttpFetchSpout.class, "ftp://host/x", Map.of()))
                .isInstanceOf(HarnessFailure.class).hasCauseInstanceOf(ConfigException.class)
                .hasMessageContaining("config.inputConfig.source").hasMessageContaining("http(s) URL");
    }

    /** A user's spout: adds a header. */
    public static final class AuthorizedSpout extends HttpFetchSpout {
        @Override
        protected java.net.http.HttpRequest.Builder request(java.net.URI url) {
            return super.request(url).header("Authorization", "Bearer token-1");
        }
    }

    @Test
    void aSubclassCanAddHeadersToTheRequest() {
        answers(new Answer(200, "[true]", 0));
        try (TaskHarness<AuthorizedSpout> h = harness(AuthorizedSpout.class, url(), Map.of())) {
            assertThat(h.produce().emittedValues()).containsExactly("true");
        }
        assertThat(lastAuthorization).isEqualTo("Bearer token-1");
    }
}
