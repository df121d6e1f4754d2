package ai.geniusrise.bench;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import ai.geniusrise.testkit.schemaregistry.EmbeddedSchemaRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The format benchmark (issue 15): the foundation benchmark's JSON lines (about 200 bytes each)
 * written as Parquet (snappy, 32 MiB row groups, the same Avro schema) by
 * <ol>
 *   <li>{@code hand-written}: one thread per file, BufferedReader.readLine + Jackson readTree +
 *   a GenericRecord filled field by field + parquet-java's {@code AvroParquetWriter} on a
 *   {@code LocalOutputFile} (with Hadoop's client jars on the class path, as such a program needs);
 *   on S3: the object streamed down, Parquet written to a local temporary file, uploaded;</li>
 *   <li>{@code geniusrise}: a bolt emitting each record unchanged, {@code format: parquet},
 *   files to files and S3 to S3 (S3Proxy in a JVM of its own);</li>
 * </ol>
 * interleaved round by round in one JVM (run it under {@code -Xmx256m}); then the Parquet output's
 * size against the same lines gzip'd; then a Kafka bolt adding a field to JSON values against the
 * same bolt on Avro values in the Confluent wire format (broker in a JVM of its own, the test
 * kit's registry). Prints medians and the load average of each round. {@code --help} lists the options.
 */
@Command(name = "formats", mixinStandardHelpOptions = true,
        description = "JSON lines to Parquet (geniusrise against a hand-written AvroParquetWriter loop), output sizes, "
                + "and Avro against JSON on Kafka, in one run.")
public final class FormatBenchmark implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The generator's records (see {@link BatchFileBenchmark#generate}). */
    static final String EVENT = """
            {"type": "record", "name": "Event", "namespace": "bench", "fields": [
              {"name": "id", "type": "long"}, {"name": "user", "type": "string"},
              {"name": "event", "type": "string"}, {"name": "ts", "type": "long"},
              {"name": "score", "type": "double"}, {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "text", "type": "string"}]}""";

    /** The Kafka bolt's output: the event and the field {@link AddFieldBolt} adds. */
    static final String PROCESSED = EVENT.replace("\"name\": \"Event\"", "\"name\": \"Processed\"")
            .replace("{\"name\": \"text\", \"type\": \"string\"}]",
                    "{\"name\": \"text\", \"type\": \"string\"}, {\"name\": \"processed\", \"type\": \"boolean\"}]");

    private static final long ROW_GROUP = 32L << 20;

    @Option(names = "--size-mb", description = "Total input size in MiB (default ${DEFAULT-VALUE}).")
    long sizeMb = 512;

    @Option(names = "--files", description = "Number of input files and objects (default ${DEFAULT-VALUE}).")
    int files = 4;

    @Option(names = "--rounds", description = "Rounds; medians are reported (default ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--warmup", description = "Rounds run first and not counted (default ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--kafka-records", description = "Records of the Kafka part; 0 skips it (default ${DEFAULT-VALUE}).")
    int kafkaRecords = 300_000;

    @Option(names = "--no-s3", negatable = true, description = "Run the S3 part (default: yes).")
    boolean s3 = true;

    @Option(names = "--no-local", negatable = true, description = "Run the local files part (default: yes).")
    boolean localFiles = true;

    @Option(names = "--dir", description = "Working folder for data, the store and outputs (default ${DEFAULT-VALUE}).")
    Path dir = Path.of("target", "bench-formats");

    private final Schema event = new Schema.Parser().parse(EVENT);
    private final Map<String, List<double[]>> results = new LinkedHashMap<>();
    private final List<String> loads = new ArrayList<>();
    private long bytes;
    private S3Client client;
    private Map<String, String> s3Options;
    private ChildJvm store;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FormatBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path input = dir.resolve("input-" + sizeMb + "mb-" + files);
        bytes = BatchFileBenchmark.generate(input, sizeMb << 20, files);
        System.out.printf(Locale.ROOT, "input: %s, %d files, %.1f MiB of JSON lines; max heap %d MiB; %d cores; "
                        + "load average %s%n", input, files, bytes / 1048576.0, Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        if (s3) {
            startStore(input);
        }
        try {
            for (int r = 0; r < warmup; r++) {
                System.out.println("warm-up round " + (r + 1) + " (not counted)");
                round(input, false);
            }
            for (int r = 0; r < rounds; r++) {
                System.out.println("round " + (r + 1) + ", load average " + loadAverage());
                loads.add(loadAverage());
                round(input, true);
            }
            printParquet();
            if (localFiles) {
                printSizes(input);
            }
        } finally {
            if (client != null) {
                client.close();
                store.close();
            }
        }
        if (kafkaRecords > 0) {
            new KafkaPart().run(input);
        }
        return 0;
    }

    // ------------------------------------------------------------------ JSON lines to Parquet

    private static final String[] JOBS = {"hand-written files", "geniusrise files", "hand-written S3", "geniusrise S3"};

    private void round(Path input, boolean counted) throws Exception {
        Path out = input.resolveSibling("out");
        if (localFiles) {
            record(counted, JOBS[0], measure(JOBS[0], () -> handWrittenFiles(input, out.resolve("hand"))));
            record(counted, JOBS[1], measure(JOBS[1], () -> geniusriseFiles(input, out.resolve("geniusrise"))));
        }
        if (s3) {
            record(counted, JOBS[2], measure(JOBS[2], () -> handWrittenS3(out.resolve("hand-s3-tmp"))));
            record(counted, JOBS[3], measure(JOBS[3], this::geniusriseS3));
        }
    }

    private void record(boolean counted, String job, double[] result) {
        if (counted) {
            results.computeIfAbsent(job, j -> new ArrayList<>()).add(result);
        }
    }

    interface Job {
        void run() throws Exception;
    }

    /** Runs {@code job}: {MB of JSON per second, MB per CPU-second of this JVM, cores busy in the store}. */
    private double[] measure(String name, Job job) throws Exception {
        System.gc();
        long cpu0 = processCpuNanos();
        long store0 = store == null ? 0 : store.cpuNanos();
        long t0 = System.nanoTime();
        job.run();
        long wall = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        double storeCores = store == null ? 0 : (double) (store.cpuNanos() - store0) / wall;
        double mbs = bytes / 1e6 / (wall / 1e9);
        double perCpu = bytes / 1e6 / (cpu / 1e9);
        System.out.printf(Locale.ROOT, "  %-20s %7.1f MB/s  %6.2f s  %7.1f MB/cpu-s%n", name, mbs, wall / 1e9, perCpu);
        return new double[] {mbs, perCpu, storeCores};
    }

    private void printParquet() {
        System.out.printf(Locale.ROOT, "%nJSON lines -> Parquet, medians of %d rounds (MB of JSON per second of wall "
                + "time; per CPU-second of the benchmark's JVM); load average at each round: %s%n", rounds, loads);
        for (int i = 0; i < JOBS.length; i += 2) {
            if (!results.containsKey(JOBS[i])) {
                continue;
            }
            double hand = median(results.get(JOBS[i]), 0);
            double handCpu = median(results.get(JOBS[i]), 1);
            for (String job : List.of(JOBS[i], JOBS[i + 1])) {
                double wall = median(results.get(job), 0);
                double cpu = median(results.get(job), 1);
                System.out.printf(Locale.ROOT, "  %-20s %7.1f MB/s (%.2fx)  %7.1f MB/cpu-s (%.2fx)%n", job, wall,
                        wall / hand, cpu, cpu / handCpu);
            }
        }
    }

    private void printSizes(Path input) throws IOException {
        long gzip = 0;
        try (Stream<Path> list = Files.list(input)) {
            for (Path f : list.toList()) {
                CountingStream counted = new CountingStream();
                try (InputStream in = Files.newInputStream(f); OutputStream gz = new GZIPOutputStream(counted, 1 << 16)) {
                    in.transferTo(gz);
                }
                gzip += counted.count;
            }
        }
        long ours = size(input.resolveSibling("out").resolve("geniusrise"));
        long hand = size(input.resolveSibling("out").resolve("hand"));
        System.out.printf(Locale.ROOT, "%noutput sizes: JSON lines %.1f MiB; gzip'd (level 6) %.1f MiB; Parquet snappy "
                        + "by geniusrise %.1f MiB (%.2fx the gzip'd lines), by the hand-written loop %.1f MiB%n",
                bytes / 1048576.0, gzip / 1048576.0, ours / 1048576.0, (double) ours / gzip, hand / 1048576.0);
    }

    private static long size(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** An output stream that only counts. */
    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    private void handWrittenFiles(Path input, Path output) throws Exception {
        BatchFileBenchmark.deleteRecursively(output);
        Files.createDirectories(output);
        List<Path> inputs;
        try (Stream<Path> s = Files.list(input)) {
            inputs = s.sorted().toList();
        }
        for (Path file : inputs) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                writeParquet(in, output.resolve(file.getFileName() + ".parquet"));
            }
        }
    }

    /** The hand-written loop: each line parsed, its fields put in a GenericRecord, written by AvroParquetWriter. */
    private void writeParquet(BufferedReader in, Path file) throws IOException {
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(event).withCompressionCodec(CompressionCodecName.SNAPPY).withRowGroupSize(ROW_GROUP)
                .withPageSize(1 << 20).withDictionaryPageSize(1 << 20).build()) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode n = JSON.readTree(line);
                GenericRecord r = new GenericData.Record(event);
                r.put("id", n.get("id").asLong());
                r.put("user", n.get("user").asText());
                r.put("event", n.get("event").asText());
                r.put("ts", n.get("ts").asLong());
                r.put("score", n.get("score").asDouble());
                List<String> tags = new ArrayList<>(n.get("tags").size());
                n.get("tags").forEach(t -> tags.add(t.asText()));
                r.put("tags", tags);
                r.put("text", n.get("text").asText());
                writer.write(r);
            }
        }
    }

    private void geniusriseFiles(Path input, Path output) {
        BatchFileBenchmark.deleteRecursively(output);
        bolt(BatchInputConfig.builder(input.toString()).parallelism(1).build(),
                parquet(BatchOutputConfig.builder(output.toString())).build());
    }

    private BatchOutputConfig.Builder parquet(BatchOutputConfig.Builder b) {
        return b.format(Format.PARQUET).compression(Compression.SNAPPY)
                .options(withOptions(Map.of("schema", event.toString(), "rowGroupSize", "32MiB")));
    }

    private Map<String, String> withOptions(Map<String, String> format) {
        Map<String, String> all = new LinkedHashMap<>(format);
        if (s3Options != null) {
            all.putAll(s3Options);
        }
        return all;
    }

    private static void bolt(BatchInputConfig in, BatchOutputConfig out) {
        TaskSpec spec = TaskSpec.builder("to-parquet", TaskSpec.Kind.BOLT).taskClass(CopyBolt.class)
                .input(in).output(out).build();
        RunSummary summary = TaskRunner.builder(spec).pipelineName("bench").build().run();
        if (summary.recordsOut() != summary.recordsIn() || summary.recordsIn() == 0) {
            throw new IllegalStateException("lost records: " + summary);
        }
    }

    // ------------------------------------------------------------------ S3

    private void startStore(Path input) throws Exception {
        Path storeDir = dir.resolve("store").toAbsolutePath();
        BatchFileBenchmark.deleteRecursively(storeDir);
        store = ChildJvm.start(EmbeddedS3.class, "1g", "endpoint ", "--data-dir", storeDir.toString(), "--credentials",
                "bench", "bench-secret");
        String endpoint = store.served();
        s3Options = Map.of("endpoint", endpoint, "region", "us-east-1", "pathStyle", "true", "accessKeyId", "bench",
                "secretAccessKey", "bench-secret");
        client = S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench-secret")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build()).build();
        for (String b : List.of("bench-in", "hand-out", "bolt-out")) {
            client.createBucket(r -> r.bucket(b));
        }
        try (Stream<Path> list = Files.list(input)) {
            for (Path f : list.sorted().toList()) {
                client.putObject(r -> r.bucket("bench-in").key("data/" + f.getFileName()), RequestBody.fromFile(f));
            }
        }
        System.out.println("S3: S3Proxy at " + endpoint + " in its own JVM (-Xmx1g), files under " + storeDir);
    }

    /** Each object streamed down and written as Parquet to a local temporary file, which is then uploaded. */
    private void handWrittenS3(Path tmp) throws Exception {
        BatchFileBenchmark.deleteRecursively(tmp);
        Files.createDirectories(tmp);
        for (S3Object o : client.listObjectsV2Paginator(r -> r.bucket("bench-in").prefix("data/")).contents()) {
            Path file = tmp.resolve(Path.of(o.key()).getFileName() + ".parquet");
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    client.getObject(r -> r.bucket("bench-in").key(o.key())), StandardCharsets.UTF_8), 1 << 16)) {
                writeParquet(in, file);
            }
            client.putObject(r -> r.bucket("hand-out").key("out/" + file.getFileName()), RequestBody.fromFile(file));
            Files.delete(file);
        }
    }

    private void geniusriseS3() {
        bolt(BatchInputConfig.builder("s3://bench-in/data").parallelism(1).options(s3Options).build(),
                parquet(BatchOutputConfig.builder("s3://bolt-out/out")).build());
    }

    // ------------------------------------------------------------------ Kafka: Avro against JSON

    /** A bolt adding a field, on JSON values and on Avro values, each over the same records. */
    private final class KafkaPart {
        private String bootstrap;
        private SchemaRegistryConfig registry;
        private final Map<String, List<double[]>> kafka = new LinkedHashMap<>();
        private final List<String> kafkaLoads = new ArrayList<>();

        void run(Path input) throws Exception {
            try (ChildJvm broker = ChildJvm.start(KafkaBenchmarkBroker.class, "1g", "BOOTSTRAP ");
                 EmbeddedSchemaRegistry reg = EmbeddedSchemaRegistry.builder().build().start()) {
                bootstrap = broker.served();
                registry = new SchemaRegistryConfig(reg.url(), SchemaRegistryConfig.SubjectNameStrategy.TOPIC, true);
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                    fill(input, admin);
                    for (int r = -warmup; r < rounds; r++) {
                        System.out.println((r < 0 ? "kafka warm-up (not counted)" : "kafka round " + (r + 1))
                                + ", load average " + loadAverage());
                        if (r >= 0) {
                            kafkaLoads.add(loadAverage());
                        }
                        for (String format : List.of("json", "avro")) {
                            double[] result = bolt(admin, format, "r" + r);
                            if (r >= 0) {
                                kafka.computeIfAbsent(format, f -> new ArrayList<>()).add(result);
                            }
                        }
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%nKafka bolt adding a field, %d records of 4 partitions, medians of %d "
                    + "rounds (steady records/s between 10%% and 100%% of the output; per CPU-second of the "
                    + "benchmark's JVM); load average at each round: %s%n", kafkaRecords, rounds, kafkaLoads);
            double json = median(kafka.get("json"), 0);
            double jsonCpu = median(kafka.get("json"), 1);
            for (String f : kafka.keySet()) {
                double rate = median(kafka.get(f), 0);
                double cpu = median(kafka.get(f), 1);
                System.out.printf(Locale.ROOT, "  %-28s %9.0f records/s (%.2fx JSON)  %9.0f records/cpu-s (%.2fx)%n",
                        f.equals("json") ? "JSON values" : "Avro values, wire format", rate, rate / json, cpu,
                        cpu / jsonCpu);
            }
        }

        /** The input topics: the first lines of the input as JSON, and the same as Avro (converted by a task). */
        private void fill(Path input, Admin admin) throws Exception {
            admin.createTopics(List.of(new NewTopic("fmt-json", 4, (short) 1), new NewTopic("fmt-avro", 4, (short) 1)))
                    .all().get();
            Path first;
            try (Stream<Path> s = Files.list(input)) {
                first = s.sorted().findFirst().orElseThrow();
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.BATCH_SIZE_CONFIG, 65536), new ByteArraySerializer(), new ByteArraySerializer());
                 BufferedReader in = Files.newBufferedReader(first)) {
                for (int i = 0; i < kafkaRecords; i++) {
                    String line = in.readLine();
                    if (line == null) {
                        throw new IllegalStateException("the first input file has fewer than " + kafkaRecords + " lines");
                    }
                    producer.send(new ProducerRecord<>("fmt-json", Integer.toString(i).getBytes(StandardCharsets.UTF_8),
                            line.getBytes(StandardCharsets.UTF_8)));
                }
            }
            run(admin, "fmt-json", null, "fmt-avro", EVENT, CopyBolt.class, "fill");
            System.out.printf(Locale.ROOT, "kafka: broker %s in its own JVM (-Xmx1g); %d records in fmt-json and, "
                    + "Avro-encoded, in fmt-avro%n", bootstrap, kafkaRecords);
        }

        private double[] bolt(Admin admin, String format, String round) throws Exception {
            boolean avro = format.equals("avro");
            String out = "fmt-out-" + format + "-" + round;
            admin.createTopics(List.of(new NewTopic(out, 4, (short) 1))).all().get();
            return run(admin, avro ? "fmt-avro" : "fmt-json", avro ? SchemaFormat.AVRO : null, out,
                    avro ? PROCESSED : null, AddFieldBolt.class, format + "-" + round);
        }

        /** Runs a bolt from {@code in} to {@code out} until {@code out} holds every record; {records/s, records/cpu-s}. */
        private double[] run(Admin admin, String in, SchemaFormat inFormat, String out, String outSchema,
                             Class<? extends ai.geniusrise.core.Bolt> bolt, String group) throws Exception {
            StreamingInputConfig.Builder input = StreamingInputConfig.builder(in).bootstrapServers(bootstrap)
                    .groupId("fmt-" + group);
            StreamingOutputConfig.Builder output = StreamingOutputConfig.builder(out).bootstrapServers(bootstrap);
            if (inFormat != null) {
                input.valueFormat(inFormat).schemaRegistry(registry);
            }
            if (outSchema != null) {
                output.valueFormat(SchemaFormat.AVRO).valueSchema(outSchema).schemaRegistry(registry);
            }
            TaskSpec spec = TaskSpec.builder("fmt-" + group, TaskSpec.Kind.BOLT).taskClass(bolt)
                    .input(input.build()).output(output.build()).build();
            TaskRunner runner = TaskRunner.builder(spec).pipelineName("bench").build();
            CompletableFuture<RunSummary> done = CompletableFuture.supplyAsync(runner::run);
            long cpu0 = processCpuNanos();
            long t10 = 0;
            long cpu10 = 0;
            long n10 = 0;
            long n;
            while ((n = count(admin, out)) < kafkaRecords) {
                if (done.isDone()) {
                    throw new IllegalStateException("the bolt ended early: " + done.get());
                }
                if (t10 == 0 && n >= kafkaRecords / 10) {
                    t10 = System.nanoTime();
                    cpu10 = processCpuNanos();
                    n10 = n;
                }
                Thread.sleep(20);
            }
            long t = System.nanoTime();
            long cpu = processCpuNanos();
            runner.requestStop();
            RunSummary summary = done.get();
            if (summary.deadLettered() > 0 || summary.skipped() > 0) {
                throw new IllegalStateException("records failed: " + summary);
            }
            if (t10 == 0) {
                t10 = t;
                cpu10 = cpu0;
            }
            double rate = (n - n10) / ((t - t10) / 1e9);
            double perCpu = (n - n10) / (Math.max(1, cpu - cpu10) / 1e9);
            System.out.printf(Locale.ROOT, "  %-20s %9.0f records/s  %9.0f records/cpu-s%n", group, rate, perCpu);
            return new double[] {rate, perCpu};
        }

        private long count(Admin admin, String topic) throws Exception {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < 4; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static double median(List<double[]> rows, int column) {
        return BatchFileBenchmark.median(rows.stream().map(r -> r[column]).toList());
    }

    private static String loadAverage() throws IOException {
        return KafkaBenchmark.loadAverage();
    }

    private static long processCpuNanos() {
        return KafkaBenchmarkClient.processCpuNanos();
    }
}
