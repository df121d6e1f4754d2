package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.TagJsonBolt;
import ai.geniusrise.io.http.HttpFetchSpout;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed's batch shape: a batch spout fetches an HTTP source into S3, then an S3 → S3 bolt runs on it. */
@ExtendWith(S3Extension.class)
@Timeout(60)
class HttpToS3PipelineTest {

    @TempDir
    Path dir;

    @Test
    void anHttpFetchSpoutFillsS3AndABoltTransformsItIntoAnotherPrefix(S3Endpoint s3) throws Exception {
        String bucket = s3.createBucket("seed");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/events", exchange -> {
            byte[] body = "[{\"id\":1},{\"id\":2},{\"id\":3}]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            StringBuilder defaults = new StringBuilder("defaults:\n  s3:\n");
            s3.options().forEach((k, v) -> defaults.append("    ").append(k).append(": \"").append(v).append("\"\n"));
            Path file = dir.resolve("seed.yaml");
            Files.writeString(file, """
                    version: 1
                    name: seed-batch
                    %stasks:
                      - name: fetch
                        type: spout
                        class: %s
                        config:
                          inputConfig: {type: batch, source: "http://127.0.0.1:%d/events"}
                          outputConfig: {type: batch, destination: "s3://%s/raw"}
                      - name: tag
                        type: bolt
                        class: %s
                        config:
                          inputConfig: {type: batch, source: "s3://%s/raw"}
                          outputConfig: {type: batch, destination: "s3://%s/tagged", compression: gzip}
                    """.formatted(defaults, HttpFetchSpout.class.getName(), server.getAddress().getPort(), bucket,
                    TagJsonBolt.class.getName(), bucket, bucket));

            CliRun run = CliRun.of("run", file.toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            S3Objects objects = new S3Objects(s3, bucket);
            assertThat(objects.visibleLines("raw")).containsExactly("{\"id\":1}", "{\"id\":2}", "{\"id\":3}");
            assertThat(objects.visibleLines("tagged")).containsExactlyInAnyOrder("{\"id\":1,\"tagged\":true}",
                    "{\"id\":2,\"tagged\":true}", "{\"id\":3,\"tagged\":true}");
            assertThat(objects.visibleParts("tagged").keySet()).allMatch(n -> n.endsWith(".jsonl.gz"));
        } finally {
            server.stop(0);
        }
    }
}
