package ai.geniusrise.bench;

import ai.geniusrise.io.s3.S3BatchStorage;
import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The S3 batch benchmark: JSON lines of about 200 bytes (the foundation benchmark's data) in an
 * embedded S3-compatible store (S3Proxy on a folder, in a JVM of its own so that its heap and CPU
 * are apart from the client's), and in local files. Compares,
 * in one JVM and interleaved round by round, all with the same parallelism:
 * <ol>
 *   <li>{@code raw SDK copy}: a hand-written AWS SDK program that downloads each object
 *   (GetObject stream) and uploads it to another bucket by multipart upload, 8 MiB parts, one
 *   object per thread: the transfer alone, no parsing;</li>
 *   <li>{@code geniusrise S3→S3 copy}: a bolt that emits each record unchanged, S3 to S3;</li>
 *   <li>{@code geniusrise S3→S3 add-field}: {@link AddFieldBolt} (parse, add a field, write), S3 to S3;</li>
 *   <li>{@code geniusrise files add-field}: the same bolt on local files.</li>
 * </ol>
 * Prints the median MB/s of each, the ratios to the raw copy, the client's MB per CPU-second, and
 * the CPU the store's JVM used meanwhile. {@code --help} lists the options.
 */
@Command(name = "s3", mixinStandardHelpOptions = true,
        description = "Geniusrise S3 → S3 batch bolt against a raw AWS SDK copy and the same bolt on files, in one run.")
public final class S3Benchmark implements Callable<Integer> {

    @Option(names = "--size-mb", description = "Total input size in MiB (default ${DEFAULT-VALUE}).")
    long sizeMb = 1024;

    @Option(names = "--files", description = "Number of input objects (default ${DEFAULT-VALUE}).")
    int files = 8;

    @Option(names = "--rounds", description = "Rounds; medians are reported (default ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--warmup", description = "Rounds run first and not counted (default ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--parallelism", description = "Workers of every job (default: the number of cores).")
    int parallelism = Runtime.getRuntime().availableProcessors();

    @Option(names = "--dir", description = "Working folder for data, the store and outputs (default ${DEFAULT-VALUE}).")
    Path dir = Path.of("target", "bench-s3");

    private static final String[] NAMES = {"raw SDK copy", "geniusrise S3→S3 copy bolt", "geniusrise S3→S3 add-field",
            "geniusrise files add-field"};

    @Option(names = "--store-heap", description = "Heap of the store's JVM (default ${DEFAULT-VALUE}).")
    String storeHeap = "1g";

    private S3Client client;
    private Map<String, String> options;
    private Process store;
    private long bytes;

    public static void main(String[] args) {
        System.exit(new CommandLine(new S3Benchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path input = dir.resolve("input-" + sizeMb + "mb-" + files);
        bytes = BatchFileBenchmark.generate(input, sizeMb << 20, files);
        Path storeDir = dir.resolve("store").toAbsolutePath();
        BatchFileBenchmark.deleteRecursively(storeDir);
        String endpoint = startStore(storeDir);
        options = S3BatchStorage.atEndpoint(Map.of(), endpoint, "us-east-1", "bench", "bench-secret");
        client = S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench-secret")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // as our adapter does for custom endpoints (docs/design.md): plain bodies, not aws-chunked
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .build();
        try {
            for (String b : List.of("bench-in", "raw-out", "copy-out", "bolt-out")) {
                client.createBucket(r -> r.bucket(b));
            }
            try (Stream<Path> list = Files.list(input)) {
                for (Path f : list.sorted().toList()) {
                    client.putObject(r -> r.bucket("bench-in").key("data/" + f.getFileName()), RequestBody.fromFile(f));
                }
            }
            System.out.printf(Locale.ROOT, "input: %d objects, %.1f MiB in S3Proxy %s (its own JVM, -Xmx%s, files under "
                            + "%s); max heap %d MiB; %d cores; parallelism %d%n", files, bytes / 1048576.0, endpoint,
                    storeHeap, storeDir,
                    Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), parallelism);
            for (int r = 0; r < warmup; r++) {
                System.out.println("warm-up round " + (r + 1) + " (not counted)");
                round(input);
            }
            List<double[][]> results = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                System.out.println("round " + (r + 1));
                results.add(round(input));
            }
            System.out.printf(Locale.ROOT, "%nmedians of %d rounds: MB/s of wall time; MB per CPU-second of the "
                    + "benchmark's JVM (the client side, less disturbed by other processes); cores busy in both JVMs, "
                    + "and of them in the store's:%n", rounds);
            double raw = median(results, 0, 0);
            double rawCpu = median(results, 0, 3);
            for (int i = 0; i < NAMES.length; i++) {
                double wall = median(results, i, 0);
                double perCpu = median(results, i, 3);
                System.out.printf(Locale.ROOT, "  %-28s %7.1f MB/s (%.2fx raw)  %7.1f MB/client-cpu-s (%.2fx raw)  "
                                + "%.2f cores busy, %.2f in the store%n", NAMES[i], wall, wall / raw, perCpu,
                        perCpu / rawCpu, median(results, i, 1), median(results, i, 2));
            }
        } finally {
            client.close();
            store.getOutputStream().close();
            if (!store.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                store.destroy();
            }
        }
        return 0;
    }

    /** Starts S3Proxy in a JVM of its own (so that its heap and CPU are apart) and returns its endpoint. */
    private String startStore(Path storeDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        store = new ProcessBuilder(java, "-Xmx" + storeHeap, "-cp", System.getProperty("java.class.path"),
                EmbeddedS3.class.getName(), "--data-dir", storeDir.toString(), "--credentials", "bench", "bench-secret")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(store.getInputStream(), StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("endpoint ")) {
                return line.substring("endpoint ".length()).trim();
            }
        }
        throw new IOException("the store's JVM ended before serving (exit " + store.exitValue() + ")");
    }

    /** One round: {MB/s, cores busy, cores busy in store threads, MB per client CPU-second} per job. */
    private double[][] round(Path input) throws Exception {
        return new double[][] {
                measure(NAMES[0], this::rawCopy),
                measure(NAMES[1], () -> s3Bolt(CopyBolt.class, "copy-out")),
                measure(NAMES[2], () -> s3Bolt(AddFieldBolt.class, "bolt-out")),
                measure(NAMES[3], () -> fileBolt(input, input.resolveSibling("out-files")))};
    }

    private static double median(List<double[][]> results, int job, int metric) {
        return BatchFileBenchmark.median(results.stream().map(r -> r[job][metric]).toList());
    }

    interface Job {
        void run() throws Exception;
    }

    private double[] measure(String name, Job job) throws Exception {
        System.gc();
        long store0 = storeCpuNanos();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        job.run();
        long wall = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        long storeCpu = storeCpuNanos() - store0;
        double mbs = bytes / 1e6 / (wall / 1e9);
        double perClientCpu = bytes / 1e6 / (cpu / 1e9);
        System.out.printf(Locale.ROOT, "  %-28s %7.1f MB/s  %6.2f s  %7.1f MB/client-cpu-s  %.2f cores busy, %.2f in the "
                + "store%n", name, mbs, wall / 1e9, perClientCpu, (double) (cpu + storeCpu) / wall, (double) storeCpu / wall);
        return new double[] {mbs, (double) (cpu + storeCpu) / wall, (double) storeCpu / wall, perClientCpu};
    }

    /** CPU time so far of the store's JVM. */
    private long storeCpuNanos() {
        return store.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Downloads every input object and uploads it to another bucket by multipart upload, one object per thread. */
    private void rawCopy() throws Exception {
        List<String> keys = client.listObjectsV2Paginator(r -> r.bucket("bench-in").prefix("data/")).contents().stream()
                .map(S3Object::key).toList();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        try {
            List<Future<?>> copies = new ArrayList<>();
            for (String key : keys) {
                copies.add(pool.submit(() -> {
                    copy(client, key);
                    return null;
                }));
            }
            for (Future<?> f : copies) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void copy(S3Client client, String key) throws IOException {
        String id = client.createMultipartUpload(r -> r.bucket("raw-out").key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        byte[] buffer = new byte[8 << 20];
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(r -> r.bucket("bench-in").key(key))) {
            for (int n = 1; ; n++) {
                int filled = fill(in, buffer);
                if (filled == 0 && n > 1) {
                    break;
                }
                int partNumber = n;
                String etag = client.uploadPart(r -> r.bucket("raw-out").key(key).uploadId(id).partNumber(partNumber),
                        RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, filled))).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
                if (filled < buffer.length) {
                    break;
                }
            }
        }
        client.completeMultipartUpload(r -> r.bucket("raw-out").key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
    }

    private static int fill(InputStream in, byte[] buffer) throws IOException {
        int filled = 0;
        while (filled < buffer.length) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    private void s3Bolt(Class<? extends Bolt> bolt, String bucket) {
        TaskSpec spec = TaskSpec.builder("s3-" + bucket, TaskSpec.Kind.BOLT).taskClass(bolt)
                .input(BatchInputConfig.builder("s3://bench-in/data").parallelism(parallelism).options(options).build())
                .output(BatchOutputConfig.builder("s3://" + bucket + "/out").compression(Compression.NONE)
                        .options(options).build())
                .build();
        check(TaskRunner.builder(spec).pipelineName("bench").build().run());
    }

    private void fileBolt(Path input, Path output) {
        BatchFileBenchmark.deleteRecursively(output);
        TaskSpec spec = TaskSpec.builder("add-field", TaskSpec.Kind.BOLT).taskClass(AddFieldBolt.class)
                .input(BatchInputConfig.builder(input.toString()).parallelism(parallelism).build())
                .output(BatchOutputConfig.builder(output.toString()).compression(Compression.NONE).build())
                .build();
        check(TaskRunner.builder(spec).pipelineName("bench").build().run());
    }

    private static void check(RunSummary summary) {
        if (summary.recordsOut() != summary.recordsIn() || summary.recordsIn() == 0) {
            throw new IllegalStateException("lost records: " + summary);
        }
    }
}
