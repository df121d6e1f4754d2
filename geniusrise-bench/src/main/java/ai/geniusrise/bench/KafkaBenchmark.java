package ai.geniusrise.bench;

import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The streaming benchmark of issue 3: one embedded broker in this JVM, an input topic of 4
 * partitions holding {@code --records} values of 100 bytes, upper-cased into a fresh output topic by
 * each contender in a JVM of its own ({@link KafkaBenchmarkClient}), one after the other:
 * <ol>
 *   <li>{@code raw producer}: writing the input itself, in this JVM (acks=all, linger 5 ms, batch 64 KB);</li>
 *   <li>{@code hand-written loop}: kafka-clients consume → uppercase → async send, and every second
 *   {@code producer.flush()} then {@code commitSync};</li>
 *   <li>{@code kafka streams alos / eos_v2}: {@code mapValues}, one stream thread, defaults otherwise;</li>
 *   <li>{@code geniusrise alos / eos}: a bolt run by {@code TaskRunner} with default settings.</li>
 * </ol>
 * Each consumer starts from the beginning of the input in a group of its own and is done when it
 * has processed every record and closed cleanly (flushed, committed). Reported: records/s over the
 * client's whole run, steady-state records/s (10 % to 90 % of the records), and CPU seconds per
 * million records of the client JVM plus the broker's JVM.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Kafka → Kafka uppercase: raw producer, hand-written loop, Kafka Streams and Geniusrise.")
public final class KafkaBenchmark implements Callable<Integer> {

    private static final int PARTITIONS = 4;

    @Option(names = "--records", description = "Records in the input topic (default ${DEFAULT-VALUE}).")
    int records = 2_000_000;

    @Option(names = "--value-bytes", description = "Bytes per value (default ${DEFAULT-VALUE}).")
    int valueBytes = 100;

    @Option(names = "--client-heap", description = "-Xmx of each client JVM (default ${DEFAULT-VALUE}).")
    String clientHeap = "512m";

    @Option(names = "--only", split = ",", description = "Run only these: loop, streams-alos, streams-eos, "
            + "geniusrise-alos, geniusrise-eos (default: all).")
    List<String> only = List.of("loop", "streams-alos", "streams-eos", "geniusrise-alos", "geniusrise-eos");

    @Option(names = "--lib", description = "Folder of the runtime jars (default ${DEFAULT-VALUE}).")
    Path lib = Path.of("target", "lib");

    @Option(names = "--streams-lib", description = "Folder of the Kafka Streams jars (default ${DEFAULT-VALUE}).")
    Path streamsLib = Path.of("target", "lib-streams");

    @Option(names = "--jar", description = "The benchmark's jar (default ${DEFAULT-VALUE}).")
    Path jar = Path.of("target", "geniusrise-bench.jar");

    private EmbeddedKafka kafka;
    private final List<Object[]> rows = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new KafkaBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        try {
            kafka.createTopic("bench-in", PARTITIONS);
            System.out.printf(Locale.ROOT, "%d records of %d bytes, %d partitions; broker in this JVM (max heap %d "
                    + "MiB), each client in its own (-Xmx%s); %d cores%n", records, valueBytes, PARTITIONS,
                    Runtime.getRuntime().maxMemory() >> 20, clientHeap, Runtime.getRuntime().availableProcessors());
            rawProducer();
            for (String name : only) {
                kafka.createTopic("out-" + name, PARTITIONS);
                runClient(name);
                long out = endOffsets("out-" + name);
                if (out < records) {
                    throw new IllegalStateException(name + " wrote " + out + " offsets for " + records + " records");
                }
            }
            print();
        } finally {
            kafka.close();
        }
        return 0;
    }

    private static String label(String scenario) {
        return switch (scenario) {
            case "loop" -> "hand-written loop";
            case "streams-alos" -> "kafka streams at_least_once";
            case "streams-eos" -> "kafka streams exactly_once_v2";
            case "geniusrise-alos" -> "geniusrise at-least-once";
            case "geniusrise-eos" -> "geniusrise exactly-once";
            default -> throw new IllegalArgumentException("unknown contender '" + scenario + "'");
        };
    }

    private void runClient(String scenario) throws Exception {
        String label = label(scenario);
        List<String> cp = new ArrayList<>();
        cp.add(jar.toString());
        if (scenario.startsWith("streams")) {
            // Streams on the clients of its own version, with every other runtime jar but Kafka's
            try (Stream<Path> s = Files.list(streamsLib)) {
                s.forEach(p -> cp.add(p.toString()));
            }
            try (Stream<Path> s = Files.list(lib)) {
                s.filter(p -> !p.getFileName().toString().startsWith("kafka")).forEach(p -> cp.add(p.toString()));
            }
        } else {
            cp.add(lib + File.separator + "*");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx" + clientHeap, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", String.join(File.pathSeparator, cp), KafkaBenchmarkClient.class.getName(), scenario,
                kafka.bootstrapServers(), Integer.toString(records)).redirectErrorStream(true).start();
        long brokerCpu0 = KafkaBenchmarkClient.processCpuNanos();
        String result = null;
        StringBuilder log = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    result = line;
                } else if (log.length() < 20_000) {
                    log.append(line).append('\n');
                }
            }
        }
        if (!child.waitFor(10, TimeUnit.MINUTES) || child.exitValue() != 0 || result == null) {
            throw new IllegalStateException(label + " failed:\n" + log);
        }
        long brokerCpu = KafkaBenchmarkClient.processCpuNanos() - brokerCpu0;
        String[] f = result.split(" ");
        record(label, Long.parseLong(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]) + brokerCpu);
    }

    private void record(String label, long wallNanos, double steady, long cpuNanos) {
        double total = records / (wallNanos / 1e9);
        double cpuPerMillion = cpuNanos / 1e9 / (records / 1e6);
        rows.add(new Object[] {label, total, steady, cpuPerMillion});
        System.out.printf(Locale.ROOT, "  %-30s %9.0f rec/s whole run, %9.0f rec/s steady, %6.2f s, %.2f CPU s per "
                + "million%n", label, total, steady, wallNanos / 1e9, cpuPerMillion);
    }

    private void print() {
        Map<String, Double> steady = new HashMap<>();
        Map<String, Double> whole = new HashMap<>();
        rows.forEach(r -> {
            steady.put((String) r[0], (Double) r[2]);
            whole.put((String) r[0], (Double) r[1]);
        });
        System.out.printf(Locale.ROOT, "%n| contender | records/s, whole run | records/s, steady | CPU s per million "
                + "(client + broker) |%n|---|---:|---:|---:|%n");
        for (Object[] r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f |%n", r[0], r[1], r[2], r[3]);
        }
        System.out.println();
        ratio(steady, whole, "geniusrise at-least-once", "hand-written loop", "0.95");
        ratio(steady, whole, "geniusrise at-least-once", "kafka streams at_least_once", "1.5");
        ratio(steady, whole, "geniusrise exactly-once", "kafka streams exactly_once_v2", "1.3");
    }

    private static void ratio(Map<String, Double> steady, Map<String, Double> whole, String a, String b,
                              String target) {
        if (steady.containsKey(a) && steady.containsKey(b)) {
            System.out.printf(Locale.ROOT, "| %s / %s | %.2f | %.2f | target >= %s |%n", a, b,
                    whole.get(a) / whole.get(b), steady.get(a) / steady.get(b), target);
        }
    }

    private void rawProducer() throws Exception {
        byte[][] values = new byte[256][];
        Random random = new Random(42);
        for (int i = 0; i < values.length; i++) {
            byte[] v = new byte[valueBytes];
            for (int j = 0; j < v.length; j++) {
                v[j] = (byte) ('a' + random.nextInt(26));
            }
            values[i] = v;
        }
        KafkaBenchmarkClient.Progress progress = KafkaBenchmarkClient.PROGRESS;
        progress.reset(records);
        AtomicReference<Exception> failed = new AtomicReference<>();
        Callback callback = (m, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            }
        };
        long cpu0 = KafkaBenchmarkClient.processCpuNanos();
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
                KafkaBenchmarkClient.producerProps(kafka.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                p.send(new ProducerRecord<>("bench-in", null, values[i & 255]), callback);
                progress.tick();
            }
            p.flush();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        record("raw producer (broker's JVM)", System.nanoTime() - t0, progress.steadyRate(),
                KafkaBenchmarkClient.processCpuNanos() - cpu0);
    }

    private long endOffsets(String topic) throws IOException {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                spec.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(spec).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(r -> r.offset()).sum();
        } catch (Exception e) {
            throw new IOException("cannot read the end offsets of " + topic + ": " + e, e);
        }
    }
}
