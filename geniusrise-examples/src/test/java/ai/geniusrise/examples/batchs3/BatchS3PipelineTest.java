package ai.geniusrise.examples.batchs3;

import ai.geniusrise.cli.GeniusriseCommand;
import ai.geniusrise.testkit.BatchOutputs;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the batch example's pipeline file against the test kit's S3 store and a local HTTP source. */
@ExtendWith(S3Extension.class)
@Timeout(60)
class BatchS3PipelineTest {

    @TempDir
    Path dir;

    @Test
    void theBatchExampleFetchesEventsIntoS3AndKeepsTheValidOnes(S3Endpoint s3) throws Exception {
        String bucket = s3.createBucket("example");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/events", exchange -> {
            byte[] body = """
                    [{"id": 1, "type": "Click"}, {"id": 2, "type": "VIEW"}, {"type": "orphan"}, {"id": 4, "type": "click"}]
                    """.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String yaml = Files.readString(Path.of("pipelines/batch-s3.yaml"))
                    .replace("${S3_ENDPOINT:-}", s3.endpoint())
                    .replace("${S3_ACCESS_KEY_ID:-}", s3.accessKeyId())
                    .replace("${S3_SECRET_ACCESS_KEY:-}", s3.secretAccessKey())
                    .replace("${EVENTS_URL:-http://localhost:8000/events.json}",
                            "http://127.0.0.1:" + server.getAddress().getPort() + "/events")
                    .replace("${S3_BUCKET:-my-bucket}", bucket);
            Path file = dir.resolve("batch-s3.yaml");
            Files.writeString(file, yaml);

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = GeniusriseCommand.execute(new String[] {"run", file.toString()}, new PrintWriter(out, true),
                    new PrintWriter(err, true));

            assertThat(code).as(err.toString()).isZero();
            assertThat(BatchOutputs.values("s3://" + bucket + "/data", s3.options())).hasSize(4);
            assertThat(BatchOutputs.values("s3://" + bucket + "/results", s3.options())).containsExactlyInAnyOrder(
                    "{\"id\":1,\"type\":\"click\"}", "{\"id\":2,\"type\":\"view\"}", "{\"id\":4,\"type\":\"click\"}");
            assertThat(BatchOutputs.values("s3://" + bucket + "/results/_dead-letter", s3.options())).singleElement()
                    .satisfies(letter -> assertThat(letter).contains("orphan").contains("needs an"));
        } finally {
            server.stop(0);
        }
    }

}
