package ai.geniusrise.bench;

import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * client's whole run, steady-state records/s (10 % to 90 % of the records), CPU seconds per
 * million records of the client JVM plus the broker's JVM, and, from a second run of each consumer
 * on a topic written at a fixed rate, the end-to-end latency (send → arrival at a
 * {@code read_committed} consumer of the output), p50 and p99.
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

    @Option(names = "--latency-rate", description = "Records per second written during each contender's latency "
            + "run (default ${DEFAULT-VALUE}).")
    int latencyRate = 10_000;

    @Option(names = "--latency-records", description = "Records in each latency run; 0 skips them (default "
            + "${DEFAULT-VALUE}).")
    int latencyRecords = 100_000;

    @Option(names = "--lib", description = "Folder of the runtime jars (default ${DEFAULT-VALUE}).")
    Path lib = Path.of("target", "lib");

    @Option(names = "--streams-lib", description = "Folder of the Kafka Streams jars (default ${DEFAULT-VALUE}).")
    Path streamsLib = Path.of("target", "lib-streams");

    @Option(names = "--jar", description = "The benchmark's jar (default ${DEFAULT-VALUE}).")
    Path jar = Path.of("target", "geniusrise-bench.jar");

    private EmbeddedKafka kafka;
    private final List<Object[]> rows = new ArrayList<>();
    private final Map<String, double[]> latencyRows = new HashMap<>();
    private final long epoch = System.nanoTime();

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
                if (latencyRecords > 0) {
                    latency(name);
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
        long brokerCpu0 = KafkaBenchmarkClient.processCpuNanos();
        Client child = Client.start(command(scenario, Integer.toString(records)));
        String[] f = child.finish(label(scenario)).split(" ");
        long brokerCpu = KafkaBenchmarkClient.processCpuNanos() - brokerCpu0;
        record(label(scenario), Long.parseLong(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]) + brokerCpu);
    }

    /** The command line of a client JVM running {@code scenario} with these arguments after the bootstrap servers. */
    private List<String> command(String scenario, String... args) throws IOException {
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
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + clientHeap,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", String.join(File.pathSeparator, cp),
                KafkaBenchmarkClient.class.getName(), scenario, kafka.bootstrapServers()));
        command.addAll(List.of(args));
        return command;
    }

    /** A client JVM whose output is read on a thread of its own, keeping its RESULT line and the start of its log. */
    private static final class Client {
        private final Process process;
        private final Thread reader;
        private final StringBuilder log = new StringBuilder();
        private volatile String result;

        private Client(Process process) {
            this.process = process;
            this.reader = new Thread(this::read, "client-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Client start(List<String> command) throws IOException {
            return new Client(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        private void read() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("RESULT ")) {
                        result = line;
                    } else synchronized (log) {
                        if (log.length() < 20_000) {
                            log.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException e) {
                synchronized (log) {
                    log.append("cannot read the client's output: ").append(e).append('\n');
                }
            }
        }

        /** Waits for the client to exit and returns its RESULT line; throws with its log if it failed. */
        String finish(String label) throws InterruptedException {
            boolean exited = process.waitFor(10, TimeUnit.MINUTES);
            reader.join(10_000);
            if (!exited || process.exitValue() != 0 || result == null) {
                process.destroyForcibly();
                synchronized (log) {
                    throw new IllegalStateException(label + " failed:\n" + log);
                }
            }
            return result;
        }
    }

    /**
     * End-to-end latency of {@code scenario}: a fresh input topic is written at {@code --latency-rate}
     * records/s, each value starting with its send time ({@code System.nanoTime} of this JVM, as digits,
     * which upper-casing keeps), once the contender's group holds every partition; a
     * {@code read_committed} consumer in this JVM reads the contender's output topic as it is written
     * and takes arrival minus send time. The first 10 % of the records (warm-up) are not counted.
     */
    private void latency(String scenario) throws Exception {
        String in = "lat-in-" + scenario;
        String out = "lat-out-" + scenario;
        String group = "lat-" + scenario;
        kafka.createTopic(in, PARTITIONS);
        kafka.createTopic(out, PARTITIONS);
        Client child = Client.start(command(scenario, Integer.toString(latencyRecords), in, out, group));
        awaitAssigned(group, child);
        long[] latencies = new long[latencyRecords];
        AtomicInteger arrived = new AtomicInteger();
        Thread reader = new Thread(() -> readLatencies(out, latencies, arrived), "latency-reader");
        reader.start();
        produceAtRate(in);
        child.finish(label(scenario) + " (latency)");
        reader.join(60_000);
        if (arrived.get() < latencyRecords) {
            throw new IllegalStateException(label(scenario) + ": only " + arrived.get() + " of " + latencyRecords
                    + " records reached " + out + " within a minute");
        }
        long[] counted = Arrays.copyOfRange(latencies, latencyRecords / 10, latencyRecords);
        Arrays.sort(counted);
        double p50 = counted[counted.length / 2] / 1e6;
        double p99 = counted[(int) Math.min(counted.length - 1, Math.ceil(counted.length * 0.99) - 1)] / 1e6;
        latencyRows.put(label(scenario), new double[] {p50, p99});
        System.out.printf(Locale.ROOT, "  %-30s latency at %,d records/s: p50 %.1f ms, p99 %.1f ms%n",
                label(scenario), latencyRate, p50, p99);
    }

    /** Waits until the members of {@code group} hold every input partition, so that no record waits for a join. */
    private void awaitAssigned(String group, Client child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = kafka.admin()) {
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription d;
                try {
                    d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                            .get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw e;
                    }
                    Thread.sleep(20);
                    continue;
                }
                int assigned = d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
                if (assigned == PARTITIONS && d.groupState() == GroupState.STABLE) {
                    return;
                }
                if (!child.process.isAlive()) {
                    child.finish(group);
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("group " + group + " did not get its partitions within 60 s");
    }

    private void produceAtRate(String topic) throws Exception {
        Map<String, Object> props = KafkaBenchmarkClient.producerProps(kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        AtomicReference<Exception> failed = new AtomicReference<>();
        byte[] filler = "x".repeat(valueBytes).getBytes(StandardCharsets.US_ASCII);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < latencyRecords; i++) {
                long due = start + (long) (i * (1e9 / latencyRate));
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                byte[] v = filler.clone();
                byte[] sent = String.format(Locale.ROOT, "%019d", System.nanoTime() - epoch)
                        .getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(sent, 0, v, 0, Math.min(sent.length, v.length));
                p.send(new ProducerRecord<>(topic, null, v), (m, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    }
                });
            }
            p.flush();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    private void readLatencies(String topic, long[] latencies, AtomicInteger arrived) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (arrived.get() < latencies.length && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime() - epoch;
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    int i = arrived.getAndIncrement();
                    if (i < latencies.length) {
                        latencies[i] = now - Long.parseLong(new String(r.value(), 0, 19, StandardCharsets.US_ASCII));
                    }
                }
            }
        }
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
                + "(client + broker) | latency p50 / p99 at %,d records/s (ms) |%n|---|---:|---:|---:|---:|%n",
                latencyRate);
        for (Object[] r : rows) {
            double[] l = latencyRows.get((String) r[0]);
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f | %s |%n", r[0], r[1], r[2], r[3],
                    l == null ? "" : String.format(Locale.ROOT, "%.1f / %.1f", l[0], l[1]));
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
