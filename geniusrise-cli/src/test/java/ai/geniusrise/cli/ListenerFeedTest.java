package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --feed FILE}: the lines of a file posted to the pipeline's HTTP listener, over and over. */
@Timeout(30)
class ListenerFeedTest {

    @TempDir
    Path dir;

    private static TaskSpec listener(String url) {
        return TaskSpec.builder("listener", TaskSpec.Kind.SPOUT).input(StreamingInputConfig.builder(url).build())
                .output(StreamingOutputConfig.builder("events").build()).build();
    }

    @Test
    void postsEveryLineInTurnAndCountsWhatTheListenerAccepted() throws Exception {
        Path file = Files.writeString(dir.resolve("clicks.jsonl"), "{\"n\":1}\n\n{\"n\":2}\n{\"n\":3}\n");
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/events", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean busy = received.size() == 1; // the second request is refused, as a busy listener does
            received.add(body);
            exchange.sendResponseHeaders(busy ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
        StringWriter said = new StringWriter();
        try {
            ListenerFeed feed = ListenerFeed.start(file, 200, List.of(listener("http://0.0.0.0:"
                    + server.getAddress().getPort() + "/events")), new PrintWriter(said, true));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.size() < 7 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            feed.close();
        } finally {
            server.stop(0);
        }

        assertThat(received.subList(0, 7)).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":1}",
                "{\"n\":2}", "{\"n\":3}", "{\"n\":1}");
        assertThat(said.toString()).contains("posting the 3 lines of " + file + " to http://127.0.0.1:"
                + server.getAddress().getPort() + "/events")
                .containsPattern("posted " + (received.size() - 1) + " records to .* \\(1 refused\\)");
    }

    @Test
    void aPipelineWithoutAnHttpListenerIsAMistakeNamingTheOption() throws IOException {
        Path file = Files.writeString(dir.resolve("clicks.jsonl"), "{}\n");
        TaskSpec bolt = TaskSpec.builder("bolt", TaskSpec.Kind.BOLT).input(StreamingInputConfig.builder("events")
                .build()).output(StreamingOutputConfig.builder("clean").build()).build();

        assertThatThrownBy(() -> ListenerFeed.start(file, 10, List.of(bolt), new PrintWriter(new StringWriter())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--feed")
                .hasMessageContaining("no spout of the pipeline listens on an http:// source");
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n\n");
        assertThatThrownBy(() -> ListenerFeed.start(empty, 10, List.of(listener("http://0.0.0.0:1/e")),
                new PrintWriter(new StringWriter()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds no line to post");
    }

    @Test
    void theStandInsAreForALocalRunOfTheWholePipelineOnly() throws IOException {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                version: 1
                name: p
                tasks:
                  - name: copy
                    type: bolt
                    class: ai.geniusrise.cli.fixtures.UppercaseBolt
                    config:
                      inputConfig: {type: batch, source: in}
                      outputConfig: {type: batch, destination: out}
                """);

        CliRun withTask = CliRun.of("run", file.toString(), "--task", "copy", "--serve", dir.toString());
        CliRun nothingToServe = CliRun.of("run", file.toString(), "--serve", dir.toString());

        assertThat(withTask.exitCode()).isEqualTo(2);
        assertThat(withTask.err()).contains("--serve").contains("whole pipeline");
        assertThat(nothingToServe.exitCode()).isEqualTo(2);
        assertThat(nothingToServe.err()).contains("--serve: no task of the pipeline fetches from http://localhost");
    }
}
