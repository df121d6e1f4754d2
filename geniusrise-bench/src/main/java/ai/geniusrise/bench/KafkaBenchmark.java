package ai.geniusrise.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The streaming benchmark: a Kafka broker in a JVM of its own ({@link KafkaBenchmarkBroker}), an
 * input topic of 4 partitions holding {@code --records} values of 100 bytes, upper-cased into a
 * fresh output topic by each contender, each in a JVM of its own:
 * <ol>
 *   <li>{@code producer}: the raw producer writing that many records (the physical limit of a
 *   Kafka→Kafka bolt on the same machine);</li>
 *   <li>{@code loop}: kafka-clients consume → uppercase → async send, every second
 *   {@code producer.flush()} then {@code commitSync};</li>
 *   <li>{@code streams-alos}, {@code streams-eos}: Kafka Streams {@code mapValues}, one stream thread,
 *   with the producer settings of the other contenders; {@code streams-alos-defaults},
 *   {@code streams-eos-defaults}: the same on Kafka Streams' own defaults;</li>
 *   <li>{@code geniusrise-alos}, {@code geniusrise-eos}: our bolt started the way its container is
 *   ({@link UppercaseBoltMain}: {@code Geniusrise.run} with a pipeline file), stopped by SIGTERM once
 *   it has processed every record.</li>
 * </ol>
 * The contenders run interleaved over {@code --rounds} rounds (each round runs each contender once,
 * starting one further down the list than the round before), and the report gives each round's
 * figures and ratios, their medians, and the machine's load average around each round.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Kafka → Kafka uppercase: raw producer, hand-written loop, Kafka Streams and Geniusrise, "
                + "interleaved over several rounds.")
public final class KafkaBenchmark implements Callable<Integer> {

    private static final int PARTITIONS = 4;
    private static final List<String> ALL = List.of("producer", "loop", "streams-alos", "streams-eos",
            "streams-alos-defaults", "streams-eos-defaults", "geniusrise-alos", "geniusrise-eos");
    /** Our bolt with commitRecords out of reach: commits by interval only, as the hand-written loop does. */
    private static final String INTERVAL_ONLY = "geniusrise-alos-interval";

    @Option(names = "--records", description = "Records in the input topic (default ${DEFAULT-VALUE}).")
    int records = 1_000_000;

    @Option(names = "--value-bytes", description = "Bytes per value (default ${DEFAULT-VALUE}).")
    int valueBytes = 100;

    @Option(names = "--rounds", description = "Rounds; each runs every contender once (default ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--client-heap", description = "-Xmx of each contender's JVM (default ${DEFAULT-VALUE}).")
    String clientHeap = "128m";

    @Option(names = "--broker-heap", description = "-Xmx of the broker's JVM (default ${DEFAULT-VALUE}).")
    String brokerHeap = "1g";

    @Option(names = "--only", split = ",", description = "Run only these: producer, loop, streams-alos, streams-eos, "
            + "streams-alos-defaults, streams-eos-defaults, geniusrise-alos, geniusrise-eos (default: these), and "
            + INTERVAL_ONLY + " (our bolt with commitRecords out of reach, so it commits every commitInterval only).")
    List<String> only = ALL;

    @Option(names = "--latency-rate", description = "Records per second written during each contender's latency "
            + "run (default ${DEFAULT-VALUE}).")
    int latencyRate = 10_000;

    @Option(names = "--latency-records", description = "Records in each latency run; 0 skips them (default "
            + "${DEFAULT-VALUE}).")
    int latencyRecords = 50_000;

    @Option(names = "--client-java-option", description = "An extra JVM option for every contender's JVM, such "
            + "as -XX:StartFlightRecording=filename=/tmp/c.jfr,settings=profile (repeatable).")
    List<String> clientJavaOptions = new ArrayList<>();

    @Option(names = "--consumer-property", description = "An extra consumer property KEY=VALUE for our bolt (in "
            + "its pipeline's inputConfig.properties) and the hand-written loop, such as group.protocol=consumer "
            + "(repeatable).")
    Map<String, String> consumerProperties = new LinkedHashMap<>();

    @CommandLine.Mixin
    BenchJars jars = new BenchJars();

    private String bootstrap;
    private Process broker;
    private Path work;
    /** Per contender, per round: whole-run records/s, steady records/s, CPU s per million, p50, p99. */
    private final Map<String, List<double[]>> results = new LinkedHashMap<>();
    private final List<String> loads = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new KafkaBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String name : only) {
            label(name);
        }
        work = Files.createTempDirectory("bench-kafka");
        // interrupted (Ctrl-C, SIGTERM): no broker or contender JVM outlives the benchmark
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Client.RUNNING.forEach(Process::destroyForcibly);
            if (broker != null) {
                broker.destroyForcibly();
            }
        }, "stop-children"));
        startBroker();
        try {
            createTopic("bench-in");
            System.out.printf(Locale.ROOT, "%d records of %d bytes, %d partitions; broker in its own JVM (-Xmx%s), "
                    + "each contender in its own (-Xmx%s); %d cores; %d rounds%n", records, valueBytes, PARTITIONS,
                    brokerHeap, clientHeap, Runtime.getRuntime().availableProcessors(), rounds);
            run("producer", "fill", records, Integer.toString(valueBytes), "bench-in", "fill");
            for (int round = 1; round <= rounds; round++) {
                String before = loadAverage();
                System.out.printf(Locale.ROOT, "round %d (load average %s)%n", round, before);
                for (int i = 0; i < only.size(); i++) {
                    String name = only.get((i + round - 1) % only.size());
                    double[] row = throughput(name, round);
                    if (latencyRecords > 0 && !name.equals("producer")) {
                        double[] l = latency(name, round);
                        row[3] = l[0];
                        row[4] = l[1];
                    }
                    results.computeIfAbsent(name, k -> new ArrayList<>()).add(row);
                }
                loads.add(String.format(Locale.ROOT, "round %d: %s at its start, %s at its end", round, before,
                        loadAverage()));
            }
            print();
        } finally {
            stopBroker();
        }
        return 0;
    }

    private static String label(String name) {
        return switch (name) {
            case "producer" -> "raw producer";
            case "loop" -> "hand-written loop";
            case "streams-alos" -> "kafka streams at_least_once";
            case "streams-eos" -> "kafka streams exactly_once_v2";
            case "streams-alos-defaults" -> "kafka streams at_least_once, its defaults";
            case "streams-eos-defaults" -> "kafka streams exactly_once_v2, its defaults";
            case "geniusrise-alos" -> "geniusrise at-least-once";
            case "geniusrise-eos" -> "geniusrise exactly-once";
            case INTERVAL_ONLY -> "geniusrise at-least-once, interval commits only";
            default -> throw new CommandLine.ParameterException(new CommandLine(new KafkaBenchmark()),
                    "unknown contender '" + name + "'; expected one of " + ALL);
        };
    }

    /** The 1-, 5- and 15-minute load averages of the machine. */
    static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return f[0] + " / " + f[1] + " / " + f[2];
    }

    private void startBroker() throws IOException {
        broker = new ProcessBuilder(java(), "-Xmx" + brokerHeap, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", jars.classpath(), KafkaBenchmarkBroker.class.getName())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("BOOTSTRAP ")) {
                bootstrap = line.substring("BOOTSTRAP ".length());
                break;
            }
        }
        if (bootstrap == null) {
            throw new IllegalStateException("the broker's JVM ended before serving");
        }
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the broker ended
            }
        }, "broker-output");
        drain.setDaemon(true);
        drain.start();
    }

    private void stopBroker() throws InterruptedException {
        if (broker != null) {
            try {
                broker.getOutputStream().close();
            } catch (IOException ignored) {
                // it is gone already
            }
            if (!broker.waitFor(60, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private long brokerCpuNanos() {
        return broker.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** One throughput run; returns whole-run records/s, steady records/s, CPU s per million (client + broker). */
    private double[] throughput(String name, int round) throws Exception {
        String out = name.equals("producer") ? "raw-" + round : "out-" + name + "-" + round;
        createTopic(out);
        long brokerCpu0 = brokerCpuNanos();
        Client.Result r = run(name, "bench-" + name + "-" + round, records,
                name.equals("producer") ? Integer.toString(valueBytes) : "bench-in", out, "bench-" + name + "-" + round);
        long written = endOffsets(out);
        if (written < records) {
            throw new IllegalStateException(label(name) + " wrote " + written + " offsets for " + records + " records");
        }
        deleteTopic(out);
        double whole = records / (r.wallNanos() / 1e9);
        double clientCpu = r.cpuNanos() / 1e9 / (records / 1e6);
        double cpu = clientCpu + (r.brokerCpuAtProcessed() - brokerCpu0) / 1e9 / (records / 1e6);
        System.out.printf(Locale.ROOT, "  %-45s %9.0f rec/s whole run, %9.0f rec/s steady, %6.2f s, %.2f CPU s per "
                + "million (client %.2f + broker %.2f; the client's start %.2f CPU s, first record at %.2f s, exit "
                + "%.2f s after the last)%n", label(name), whole, r.steady(), r.wallNanos() / 1e9, cpu, clientCpu,
                cpu - clientCpu, r.startupCpuNanos() / 1e9, r.toFirstNanos() / 1e9, r.afterLastNanos() / 1e9);
        return new double[] {whole, r.steady(), cpu, Double.NaN, Double.NaN};
    }

    /** Starts contender {@code name} with these topics and group, and waits for it to finish. */
    private Client.Result run(String name, String task, int count, String in, String out, String group)
            throws Exception {
        return start(name, task, count, in, out, group).finish(label(name));
    }

    private Client start(String name, String task, int count, String in, String out, String group) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + clientHeap,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        command.addAll(clientJavaOptions);
        boolean ours = name.startsWith("geniusrise");
        if (ours) {
            command.addAll(List.of("-Dbench.records=" + count, "-cp", jars.classpath(),
                    UppercaseBoltMain.class.getName(), "run", pipeline(name, task, in, out, group).toString()));
        } else {
            command.addAll(List.of("-cp", classpath(name), KafkaBenchmarkClient.class.getName(),
                    name, bootstrap, Integer.toString(count), in, out, group));
            if (name.equals("loop")) {
                consumerProperties.forEach((k, v) -> command.add(k + "=" + v));
            }
        }
        return Client.start(command, ours, this::brokerCpuNanos);
    }

    private String classpath(String name) throws IOException {
        return name.startsWith("streams") ? jars.streamsClasspath() : jars.classpath();
    }

    /**
     * The pipeline file our bolt's container would be given: one bolt, everything else its defaults
     * but the wait of the up-front checks ({@code default.api.timeout.ms}, which no record waits for).
     */
    private Path pipeline(String name, String task, String in, String out, String group) throws IOException {
        Path file = work.resolve(task + ".yaml");
        Files.writeString(file, String.format(Locale.ROOT, """
                name: bench
                tasks:
                  - name: %s
                    type: bolt
                    class: %s
                    guarantee: %s
                    config:
                      # the up-front topic checks wait 15 s by default: too short on a loaded machine
                      inputConfig: {type: streaming, source: %s, bootstrapServers: "%s", groupId: %s%s,
                                    properties: {default.api.timeout.ms: "120000"%s}}
                      outputConfig: {type: streaming, destination: %s, bootstrapServers: "%s"}
                """, task, UppercaseBolt.class.getName(), name.endsWith("eos") ? "exactly_once" : "at_least_once",
                in, bootstrap, group, name.equals(INTERVAL_ONLY) ? ", commitRecords: 1000000000" : "",
                consumerProperties.entrySet().stream().map(e -> ", " + e.getKey() + ": \"" + e.getValue() + "\"")
                        .collect(Collectors.joining()), out, bootstrap));
        return file;
    }

    /**
     * A contender's JVM, its output read on a thread of its own: the {@code T0} and {@code PROCESSED}
     * lines, and the start of its log. Our bolt is stopped with SIGTERM once it printed {@code PROCESSED}.
     */
    private static final class Client {
        record Result(long wallNanos, double steady, long cpuNanos, long brokerCpuAtProcessed, long startupCpuNanos,
                      long toFirstNanos, long afterLastNanos) {
        }

        /** Contender JVMs started and not yet finished. */
        static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private final Process process;
        private final boolean stopOnProcessed;
        private final java.util.function.LongSupplier brokerCpu;
        private final Thread reader;
        private final StringBuilder log = new StringBuilder();
        private volatile long t0;
        private volatile String processed;
        private volatile long brokerCpuAtProcessed;
        private volatile long exited;

        private Client(Process process, boolean stopOnProcessed, java.util.function.LongSupplier brokerCpu) {
            this.process = process;
            RUNNING.add(process);
            this.stopOnProcessed = stopOnProcessed;
            this.brokerCpu = brokerCpu;
            this.reader = new Thread(this::read, "client-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Client start(List<String> command, boolean stopOnProcessed, java.util.function.LongSupplier brokerCpu)
                throws IOException {
            return new Client(new ProcessBuilder(command).redirectErrorStream(true).start(), stopOnProcessed,
                    brokerCpu);
        }

        boolean isAlive() {
            return process.isAlive();
        }

        private void read() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("T0 ")) {
                        t0 = Long.parseLong(line.substring(3).trim());
                    } else if (line.startsWith("PROCESSED ")) {
                        brokerCpuAtProcessed = brokerCpu.getAsLong();
                        processed = line;
                        if (stopOnProcessed) {
                            process.destroy(); // SIGTERM, as a container is stopped
                        }
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

        /** Waits for the contender to exit; throws with its log if it failed. */
        Result finish(String label) throws InterruptedException {
            boolean ended = process.waitFor(20, TimeUnit.MINUTES);
            exited = System.nanoTime();
            RUNNING.remove(process);
            reader.join(10_000);
            int status = ended ? process.exitValue() : -1;
            // 143: stopped by our SIGTERM after it processed everything
            if (!ended || processed == null || t0 == 0 || !(status == 0 || stopOnProcessed && status == 143)) {
                process.destroyForcibly();
                synchronized (log) {
                    throw new IllegalStateException(label + " failed (exit status " + status + "):\n" + log);
                }
            }
            String[] f = processed.split(" ");
            long done = Long.parseLong(f[1]);
            return new Result(exited - t0, Double.parseDouble(f[2]), Long.parseLong(f[3]), brokerCpuAtProcessed,
                    Long.parseLong(f[4]), Long.parseLong(f[5]) - t0, exited - done);
        }
    }

    /**
     * End-to-end latency of {@code name}: a fresh input topic is written at {@code --latency-rate}
     * records/s, each value starting with its send time ({@code System.nanoTime} of this JVM, as digits,
     * which upper-casing keeps), once the contender's group holds every partition; a
     * {@code read_committed} consumer in this JVM reads the contender's output topic as it is written
     * and takes arrival minus send time. The first 10 % of the records (warm-up) are not counted.
     *
     * @return p50 and p99 in milliseconds
     */
    private double[] latency(String name, int round) throws Exception {
        String in = "lat-in-" + name + "-" + round;
        String out = "lat-out-" + name + "-" + round;
        String group = "lat-" + name + "-" + round;
        createTopic(in);
        createTopic(out);
        Client child = start(name, group, latencyRecords, in, out, group);
        awaitAssigned(group, child);
        long[] latencies = new long[latencyRecords];
        AtomicInteger arrived = new AtomicInteger();
        long epoch = System.nanoTime();
        Thread reader = new Thread(() -> readLatencies(out, latencies, arrived, epoch), "latency-reader");
        reader.start();
        produceAtRate(in, epoch);
        child.finish(label(name) + " (latency)");
        reader.join(120_000);
        deleteTopic(in);
        deleteTopic(out);
        if (arrived.get() < latencyRecords) {
            throw new IllegalStateException(label(name) + ": only " + arrived.get() + " of " + latencyRecords
                    + " records reached " + out);
        }
        long[] counted = Arrays.copyOfRange(latencies, latencyRecords / 10, latencyRecords);
        Arrays.sort(counted);
        double p50 = counted[counted.length / 2] / 1e6;
        double p99 = counted[(int) Math.min(counted.length - 1, Math.ceil(counted.length * 0.99) - 1)] / 1e6;
        System.out.printf(Locale.ROOT, "  %-45s latency at %,d records/s: p50 %.1f ms, p99 %.1f ms%n", label(name),
                latencyRate, p50, p99);
        return new double[] {p50, p99};
    }

    /** Waits until the members of {@code group} hold every input partition, so that no record waits for a join. */
    private void awaitAssigned(String group, Client child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Admin admin = admin()) {
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
                if (!child.isAlive()) {
                    child.finish(group);
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("group " + group + " did not get its partitions within 120 s");
    }

    private void produceAtRate(String topic, long epoch) throws Exception {
        Map<String, Object> props = KafkaBenchmarkClient.producerProps(bootstrap);
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

    private void readLatencies(String topic, long[] latencies, AtomicInteger arrived, long epoch) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
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
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
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

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private void print() {
        System.out.printf(Locale.ROOT, "%nMedians of %d rounds:%n%n| contender | records/s, whole run | records/s, "
                + "steady | CPU s per million (client + broker) | latency p50 / p99 at %,d records/s (ms) |%n"
                + "|---|---:|---:|---:|---:|%n", rounds, latencyRate);
        results.forEach((name, rows) -> {
            double p50 = median(rows, 3);
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f | %s |%n", label(name), median(rows, 0),
                    median(rows, 1), median(rows, 2), Double.isNaN(p50) ? ""
                            : String.format(Locale.ROOT, "%.1f / %.1f", p50, median(rows, 4)));
        });
        System.out.printf(Locale.ROOT, "%nRatios, each round's (whole run / steady), and their median:%n%n"
                + "| ratio | per round | median, whole run | median, steady | target |%n|---|---|---:|---:|---|%n");
        ratio("geniusrise-alos", "loop", 0, "≥ 1.2");
        ratio("geniusrise-alos", "producer", 0, "≥ 0.9");
        ratio(INTERVAL_ONLY, "loop", 0, "");
        ratio(INTERVAL_ONLY, "geniusrise-alos", 0, "");
        ratio("geniusrise-alos", "streams-alos", 0, "");
        ratio("geniusrise-alos", "streams-alos-defaults", 0, "");
        ratio("geniusrise-eos", "streams-eos", 0, "≥ 2");
        ratio("geniusrise-eos", "streams-eos-defaults", 0, "≥ 2");
        ratio("streams-eos", "geniusrise-eos", 4, "latency p99 ≥ 1");
        ratio("streams-eos-defaults", "geniusrise-eos", 4, "latency p99 ≥ 1");
        System.out.printf(Locale.ROOT, "%nLoad average (1 / 5 / 15 min), 2 cores:%n");
        loads.forEach(l -> System.out.println("  " + l));
    }

    /** Per-round ratios of {@code a} to {@code b} in {@code column} (0: rates, whole and steady; 4: p99 latency). */
    private void ratio(String a, String b, int column, String target) {
        List<double[]> ra = results.get(a);
        List<double[]> rb = results.get(b);
        if (ra == null || rb == null) {
            return;
        }
        List<double[]> per = new ArrayList<>();
        StringBuilder rounds = new StringBuilder();
        for (int i = 0; i < Math.min(ra.size(), rb.size()); i++) {
            double first = ra.get(i)[column] / rb.get(i)[column];
            double second = column == 0 ? ra.get(i)[1] / rb.get(i)[1] : Double.NaN;
            per.add(new double[] {first, second});
            rounds.append(i == 0 ? "" : ", ").append(column == 0
                    ? String.format(Locale.ROOT, "%.2f / %.2f", first, second)
                    : String.format(Locale.ROOT, "%.2f", first));
        }
        String name = column == 0 ? label(a) + " / " + label(b) : "p99 " + label(a) + " / p99 " + label(b);
        System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %s | %s |%n", name, rounds, median(per, 0),
                column == 0 ? String.format(Locale.ROOT, "%.2f", median(per, 1)) : "", target);
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private void createTopic(String topic) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** Deletes a topic once read, so that several rounds of millions of records fit on the disk. */
    private void deleteTopic(String topic) throws Exception {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        }
    }

    private long endOffsets(String topic) throws IOException {
        try (Admin admin = admin()) {
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
