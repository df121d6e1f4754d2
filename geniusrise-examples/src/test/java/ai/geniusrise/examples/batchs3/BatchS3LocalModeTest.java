package ai.geniusrise.examples.batchs3;

import ai.geniusrise.cli.GeniusriseCommand;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.RecordReader;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the seed's Example 1 (pipelines/batch-s3.yaml) as written, with no S3 configured: local
 * mode starts an embedded store kept in {@code .geniusrise/s3} beside the file. The bundled
 * sample (pipelines/data/events.json) is served over HTTP as the example's README says.
 */
@Timeout(120)
class BatchS3LocalModeTest {

    private static final List<String> VALID = List.of(
            "{\"id\":1,\"type\":\"click\",\"user\":\"ada\"}", "{\"id\":2,\"type\":\"view\",\"user\":\"bob\"}",
            "{\"id\":4,\"type\":\"click\",\"user\":\"ada\"}", "{\"id\":5,\"type\":\"scroll\",\"user\":\"cy\"}");

    @TempDir
    Path dir;
    HttpServer sample;
    Path file;

    @BeforeEach
    void serveTheBundledSampleAndCopyThePipeline() throws IOException {
        String endpoint = System.getenv("S3_ENDPOINT");
        assumeTrue(endpoint == null || endpoint.isBlank(), "S3_ENDPOINT is set in this environment");
        byte[] body = Files.readAllBytes(Path.of("pipelines/data/events.json"));
        sample = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sample.createContext("/events.json", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        sample.start();
        file = dir.resolve("batch-s3.yaml");
        Files.writeString(file, Files.readString(Path.of("pipelines/batch-s3.yaml"))
                .replace("${EVENTS_URL:-http://localhost:8000/events.json}",
                        "http://127.0.0.1:" + sample.getAddress().getPort() + "/events.json"));
    }

    @AfterEach
    void stopTheSample() {
        if (sample != null) {
            sample.stop(0);
        }
    }

    @Test
    void theBatchExampleRunsOnAnEmbeddedStoreAndSaysWhereItsDataIs() throws IOException {
        String out = run();

        Path data = dir.resolve(".geniusrise").resolve("s3");
        assertThat(out).containsPattern("local mode: S3 at http://127\\.0\\.0\\.1:[0-9]+ \\(data in "
                + Pattern.quote(data.toString()) + ", access key geniusrise\\)");
        assertThat(out).contains("task 'batch-spout' done").contains("task 'bolt' done")
                .contains("output: s3://my-bucket/results");
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(data).build().start()) {
            assertThat(values(store, "s3://my-bucket/data")).hasSize(5);
            assertThat(values(store, "s3://my-bucket/results")).containsExactlyInAnyOrderElementsOf(VALID);
            assertThat(values(store, "s3://my-bucket/results/_dead-letter")).singleElement()
                    .satisfies(letter -> assertThat(letter).contains("orphan"));
        }
    }

    @Test
    void aSecondRunResumesWithTheDataKeptInTheGeniusriseFolder() throws IOException {
        run();
        String second = run();

        assertThat(second).contains("local mode: S3 at");
        try (EmbeddedS3 store = EmbeddedS3.builder().dataDir(dir.resolve(".geniusrise").resolve("s3")).build()
                .start()) {
            assertThat(store.client().listObjectsV2(r -> r.bucket("my-bucket").prefix("data/_geniusrise/commit-"))
                    .contents()).as("the first run's commit marker is kept beside the second's").hasSize(2);
            assertThat(values(store, "s3://my-bucket/data")).hasSize(5);
            assertThat(values(store, "s3://my-bucket/results")).containsExactlyInAnyOrderElementsOf(VALID);
        }
    }

    private String run() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GeniusriseCommand.execute(new String[] {"run", file.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertThat(code).as(out + "\n" + err).isZero();
        return out.toString();
    }

    /** The values of the records our S3 input reads under {@code location}: committed parts only. */
    private static List<String> values(EmbeddedS3 s3, String location) throws IOException {
        List<String> values = new ArrayList<>();
        try (BatchInput in = BatchStorage.forScheme("s3", "source").openInput(BatchInputConfig.builder(location)
                .options(s3.options()).build(), null)) {
            for (String object : in.objects()) {
                try (RecordReader r = in.open(object)) {
                    for (Record rec = r.next(); rec != null; rec = r.next()) {
                        values.add(rec.valueAsString());
                    }
                }
            }
        }
        return values;
    }
}
