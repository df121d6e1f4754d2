package ai.geniusrise.io.s3;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.core.spi.RecordReader;
import ai.geniusrise.io.commit.CommitMarkers;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the S3 storage does beyond the storage contract: its layout in the bucket, multipart, options. */
@ExtendWith(S3Extension.class)
@Timeout(60)
class S3BatchStorageTest {

    private final S3BatchStorage storage = new S3BatchStorage();
    private S3Endpoint s3;
    private String bucket;

    @BeforeEach
    void bucket(S3Endpoint endpoint) {
        s3 = endpoint;
        bucket = endpoint.createBucket("layout");
    }

    private BatchOutput output(String prefix, Map<String, String> extra) throws IOException {
        Map<String, String> options = new HashMap<>(s3.options());
        options.putAll(extra);
        return storage.openOutput(BatchOutputConfig.builder("s3://" + bucket + "/" + prefix).options(options).build(),
                null);
    }

    private BatchInput input(String location, String glob) {
        return storage.openInput(BatchInputConfig.builder(location).glob(glob).options(s3.options()).build(), null);
    }

    private List<String> keys(String prefix) {
        return s3.client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).sorted().toList();
    }

    private int uploadsInProgress() {
        return s3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads().size();
    }

    private void put(String key, String content) {
        s3.client().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    private static long count(BatchInput in, String object) throws IOException {
        long n = 0;
        try (RecordReader r = in.open(object)) {
            for (Record rec = r.next(); rec != null; rec = r.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aPartLargerThanThePartSizeStreamsInSeveralUploadedPartsInvisibleUntilCommit() throws IOException {
        BatchOutput out = output("big", Map.of("partSizeMb", "5"));
        String value = "{\"text\":\"" + "x".repeat(1000) + "\"}";
        int records = 13_000;
        try (PartWriter w = out.createPart("part-0")) {
            for (int i = 0; i < records; i++) {
                w.write(Record.of(value));
            }
        }
        assertThat(keys("big/")).as("an uncompleted multipart upload is not an object").isEmpty();
        assertThat(uploadsInProgress()).isEqualTo(1);

        out.commit("run-1", List.of("part-0"));

        assertThat(keys("big/")).containsExactly("big/_geniusrise/commit-run-1.json", "big/part-0.jsonl");
        long size = s3.client().headObject(r -> r.bucket(bucket).key("big/part-0.jsonl")).contentLength();
        assertThat(size).isEqualTo((long) records * (value.length() + 1)).isGreaterThan(2L * (5 << 20));
        assertThat(count(input("s3://" + bucket + "/big", null), "part-0.jsonl")).isEqualTo(records);
        assertThat(uploadsInProgress()).isZero();
    }

    @Test
    void abortDiscardsEveryUploadAndStoresNothing() throws IOException {
        BatchOutput out = output("aborted", Map.of());
        try (PartWriter w = out.createPart("p")) {
            w.write(Record.of("{}"));
        }
        assertThat(uploadsInProgress()).isEqualTo(1);

        out.abort();

        assertThat(uploadsInProgress()).isZero();
        assertThat(keys("aborted/")).isEmpty();
    }

    @Test
    void aCommitAbortsTheUploadsAKilledAttemptLeftForTheSameKeys() throws IOException {
        BatchOutput killed = output("leftovers", Map.of());
        try (PartWriter w = killed.createPart("a")) {
            w.write(Record.of("{\"v\":1}"));
        }
        try (PartWriter w = killed.createPart("other")) {
            w.write(Record.of("{\"v\":1}"));
        }
        assertThat(uploadsInProgress()).isEqualTo(2);

        BatchOutput rerun = output("leftovers", Map.of());
        try (PartWriter w = rerun.createPart("a")) {
            w.write(Record.of("{\"v\":2}"));
        }
        rerun.commit("run-1", List.of("a"));

        assertThat(uploadsInProgress()).as("only the upload of a key this run did not write is left").isEqualTo(1);
        killed.abort();
        assertThat(uploadsInProgress()).isZero();
    }

    @Test
    void anEmptyPartIsCommittedAsAnEmptyObject() throws IOException {
        BatchOutput out = output("empty", Map.of());
        out.createPart("nothing").close();
        out.commit("r", List.of("nothing"));

        assertThat(input("s3://" + bucket + "/empty", null).objects()).containsExactly("nothing.jsonl");
        assertThat(s3.client().headObject(r -> r.bucket(bucket).key("empty/nothing.jsonl")).contentLength()).isZero();
    }

    /**
     * Regression: the SDK sent an empty object as an aws-chunked body (86 bytes of final chunk);
     * S3Proxy answered before reading it and its Jetty dropped the connection under the writer,
     * so about one such PUT in 200 failed all its attempts with "Error writing request body to
     * server" once a few ran at a time (more under machine load). 1,600 of them all arrive.
     */
    @Test
    @Timeout(120)
    void emptyObjectsWrittenByConcurrentWritersAllArrive() throws Exception {
        S3Settings settings = S3Settings.from(S3Settings.DEFINITION.parse(s3.options(), "options."));
        int writers = 4;
        int perWriter = 400;
        ExecutorService uploader = Executors.newCachedThreadPool();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (var client = settings.newClient()) {
            PartBuffers buffers = new PartBuffers(settings.partSizeBytes(), 1);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        MultipartUpload upload = new MultipartUpload(client, settings, bucket,
                                "many-empty/" + writer + "-" + i, uploader, buffers);
                        upload.close();
                        upload.complete();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            uploader.shutdownNow();
        }
        assertThat(keys("many-empty/")).hasSize(writers * perWriter);
    }

    /**
     * A closed part's last upload runs while its writer goes on (the next object of a task is read
     * meanwhile), at most {@link PartBuffers#CLOSING} of them per output; the commit waits for it.
     * The uploader here runs nothing until the gate opens.
     */
    @Test
    void closingAPartDoesNotWaitForItsLastUploadButCompletingDoesAndAtMostTwoAreLeftRunning() throws Exception {
        S3Settings settings = S3Settings.from(S3Settings.DEFINITION.parse(s3.options(), "options."));
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        ExecutorService uploader = Executors.newCachedThreadPool();
        ExecutorService gated = new java.util.concurrent.AbstractExecutorService() {
            @Override
            public void execute(Runnable task) {
                uploader.execute(() -> {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    task.run();
                });
            }

            @Override
            public void shutdown() {
            }

            @Override
            public List<Runnable> shutdownNow() {
                return List.of();
            }

            @Override
            public boolean isShutdown() {
                return false;
            }

            @Override
            public boolean isTerminated() {
                return false;
            }

            @Override
            public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
                return false;
            }
        };
        ExecutorService third = Executors.newSingleThreadExecutor();
        try (var client = settings.newClient()) {
            PartBuffers buffers = new PartBuffers(settings.partSizeBytes(), 1);
            List<MultipartUpload> uploads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MultipartUpload u = new MultipartUpload(client, settings, bucket, "closing/" + i, gated, buffers);
                u.write(("object " + i).getBytes(StandardCharsets.UTF_8));
                uploads.add(u);
            }
            uploads.get(0).close();
            uploads.get(1).close();
            assertThat(uploads.get(0).isClosed()).as("closed while its upload waits at the gate").isTrue();

            Thread[] closer = new Thread[1];
            Future<?> closing = third.submit(() -> {
                closer[0] = Thread.currentThread();
                uploads.get(2).close();
                return null;
            });
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (closer[0] == null || closer[0].getState() != Thread.State.WAITING) {
                assertThat(System.nanoTime()).as("the third close waits").isLessThan(deadline);
                Thread.sleep(5);
            }
            assertThat(closing).as("a third close waits for one of the two").isNotDone();

            gate.countDown();
            closing.get();
            for (MultipartUpload u : uploads) {
                u.complete();
            }
        } finally {
            gate.countDown();
            third.shutdownNow();
            uploader.shutdownNow();
        }
        assertThat(keys("closing/")).containsExactly("closing/0", "closing/1", "closing/2");
        assertThat(s3.client().getObjectAsBytes(r -> r.bucket(bucket).key("closing/2")).asUtf8String())
                .isEqualTo("object 2");
    }

    @Test
    void aPendingMarkerWithoutItsCommitHidesItsPartsUntilALaterCommitListsThem() throws IOException {
        BatchOutput first = output("crash", Map.of());
        try (PartWriter w = first.createPart("a")) {
            w.write(Record.of("{\"v\":1}"));
        }
        first.commit("run-1", List.of("a"));
        // a later run that crashed after completing its uploads, before its commit marker
        CommitMarkers.Marker crashed = new CommitMarkers.Marker("run-2", "dead-attempt", List.of("a.jsonl"));
        s3.client().putObject(r -> r.bucket(bucket).key("crash/_geniusrise/" + CommitMarkers.pendingName("run-2")),
                RequestBody.fromBytes(CommitMarkers.pendingJson(crashed, Instant.now())));

        assertThat(input("s3://" + bucket + "/crash", null).objects()).as("possibly half-replaced").isEmpty();

        BatchOutput rerun = output("crash", Map.of());
        try (PartWriter w = rerun.createPart("a")) {
            w.write(Record.of("{\"v\":2}"));
        }
        rerun.commit("run-2", List.of("a"));

        assertThat(input("s3://" + bucket + "/crash", null).objects()).containsExactly("a.jsonl");
        assertThat(keys("crash/_geniusrise/")).containsExactly("crash/_geniusrise/commit-run-1.json",
                "crash/_geniusrise/commit-run-2.json");
    }

    @Test
    void objectsWrittenByOthersAreReadWithoutMarkersSkippingHiddenKeysAndFilteredByGlob() throws IOException {
        put("raw/a.jsonl", "{}\n");
        put("raw/dt=1/b.jsonl", "{}\n{}\n");
        put("raw/dt=1/c.csv", "x\n1\n");
        put("raw/_SUCCESS", "");
        put("raw/.tmp/d.jsonl", "{}\n");
        put("rawer/e.jsonl", "{}\n");

        assertThat(input("s3://" + bucket + "/raw", null).objects())
                .containsExactly("a.jsonl", "dt=1/b.jsonl", "dt=1/c.csv");
        assertThat(input("s3://" + bucket + "/raw/", "**/*.jsonl").objects()).containsExactly("dt=1/b.jsonl");
        assertThat(count(input("s3://" + bucket + "/raw", null), "dt=1/b.jsonl")).isEqualTo(2);
    }

    @Test
    void aLocationNamingOneObjectReadsThatObject() throws IOException {
        put("one/data.jsonl", "{}\n{}\n{}\n");
        BatchInput in = input("s3://" + bucket + "/one/data.jsonl", null);

        assertThat(in.objects()).containsExactly("data.jsonl");
        assertThat(count(in, "data.jsonl")).isEqualTo(3);
    }

    @Test
    void listingPagesThroughMoreThanAThousandKeys() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < 1003; i++) {
                String key = "many/k-" + String.format("%04d", i) + ".jsonl";
                puts.add(pool.submit(() -> put(key, "{}")));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<String> objects = input("s3://" + bucket + "/many", null).objects();

        assertThat(objects).hasSize(1003).startsWith("k-0000.jsonl").endsWith("k-1002.jsonl");
    }

    @Test
    void anEmptyPrefixHasNoObjects() throws IOException {
        assertThat(input("s3://" + bucket + "/nothing/here", null).objects()).isEmpty();
    }

    @Test
    void invalidLocationsAndOptionsAreConfigErrorsNamingTheKey() {
        assertThatThrownBy(() -> storage.openInput(BatchInputConfig.builder("s3://Not_A_Bucket/x").build(), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Not_A_Bucket");
        Map<String, Map<String, String>> bad = Map.of(
                "options.partSizeMb", Map.of("endpoint", "http://localhost:1", "partSizeMb", "4"),
                "options.endpoint", Map.of("endpoint", "localhost:9000"),
                "options.pathStyle", Map.of("endpoint", "http://localhost:1", "pathStyle", "yes"),
                "options.secretAccessKey", Map.of("endpoint", "http://localhost:1", "accessKeyId", "k"),
                "options.maxAttempts", Map.of("endpoint", "http://localhost:1", "maxAttempts", "0"));
        bad.forEach((key, options) -> assertThatThrownBy(() -> storage.openInput(
                BatchInputConfig.builder("s3://b-1/x").options(options).build(), null)).as(key)
                .isInstanceOf(ConfigException.class).hasMessageContaining(key));
    }

    @Test
    void theStorageIsFoundForS3Locations() {
        assertThat(BatchStorage.forScheme("s3", "source")).isInstanceOf(S3BatchStorage.class);
    }

    @Test
    void gzipPartsAreStoredCompressedAndReadBackByAutoDetection() throws IOException {
        BatchOutput out = storage.openOutput(BatchOutputConfig.builder("s3://" + bucket + "/gz")
                .compression(Compression.GZIP).format(Format.JSONL).options(s3.options()).build(), null);
        try (PartWriter w = out.createPart("p")) {
            w.write(Record.of("{\"a\":1}"));
        }
        out.commit("r", List.of("p"));

        byte[] stored = s3.client().getObjectAsBytes(r -> r.bucket(bucket).key("gz/p.jsonl.gz")).asByteArray();
        assertThat(stored[0] & 0xFF).isEqualTo(0x1f);
        BatchInput in = storage.openInput(BatchInputConfig.builder("s3://" + bucket + "/gz")
                .compression(Compression.AUTO).options(s3.options()).build(), null);
        assertThat(count(in, "p.jsonl.gz")).isEqualTo(1);
    }
}
