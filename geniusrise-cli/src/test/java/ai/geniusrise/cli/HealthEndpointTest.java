package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.SlowBolt;
import ai.geniusrise.core.TaskArgs;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.TaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthEndpointTest {

    @TempDir
    Path dir;

    @Test
    void healthReadinessAndPrometheusMetricsAreServedWhileTheTaskRuns() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        StringBuilder lines = new StringBuilder();
        // 40 ms asleep every 100 records: 40 s for the lot, so the run is still going when it is stopped below
        for (int i = 0; i < 100_000; i++) {
            lines.append("{\"i\":").append(i).append("}\n");
        }
        Files.writeString(in.resolve("data.jsonl"), lines);
        TaskSpec spec = TaskSpec.builder("slow", TaskSpec.Kind.BOLT).taskClass(SlowBolt.class)
                .args(TaskArgs.of(Map.of("every", 100, "sleepMillis", 40)))
                .input(BatchInputConfig.builder(in.toString()).build())
                .output(BatchOutputConfig.builder(dir.resolve("out").toString()).build()).build();
        TaskRunner runner = TaskRunner.builder(spec).pipelineName("health").httpPort(0).build();
        CompletableFuture<?> run = CompletableFuture.runAsync(runner::run);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (runner.httpPort() < 0 || !runner.isReady()) {
            assertThat(System.nanoTime()).as("runner became ready").isLessThan(deadline);
            Thread.sleep(10);
        }
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + runner.httpPort();
        assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
        assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get(http, base + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("geniusrise_records_in_total{pipeline=\"health\",task=\"slow\"}");

        runner.requestStop();
        assertThatThrownBy(() -> run.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(TaskFailedException.class)
                .hasMessageContaining("stopped before its run finished");
        assertThat(runner.isReady()).isFalse();
        assertThat(CliRun.visibleParts(dir.resolve("out"))).isEmpty();
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
