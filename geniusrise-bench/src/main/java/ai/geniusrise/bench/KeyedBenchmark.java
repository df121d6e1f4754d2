package ai.geniusrise.bench;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The keyed-concurrency benchmark of issue 16: a bolt that sleeps {@code --delay-ms} per record (a
 * remote call), reading a topic of 4 partitions holding {@code --records} records over
 * {@code --keys} keys, in one JVM with an embedded broker, one contender after the other:
 * <ol>
 *   <li>{@code hand-written loop}: kafka-clients poll → per record sleep, send → every second
 *   {@code flush} then {@code commitSync}, on one thread;</li>
 *   <li>{@code geniusrise ordering: partition}: today's bolt, one member (one record at a time);</li>
 *   <li>{@code geniusrise ordering: partition, concurrency 4}: one member per partition, one thread
 *   each: the ceiling of Kafka Streams with one stream thread per partition;</li>
 *   <li>{@code kafka streams, 4 stream threads}: {@code mapValues} sleeping per record, one stream
 *   thread per partition (the most Kafka Streams runs in parallel), in a JVM of its own (Streams
 *   4.3.1 runs on the clients of its own version);</li>
 *   <li>{@code geniusrise ordering: key, maxInFlight N}.</li>
 * </ol>
 * Each contender reads from the beginning in a group of its own for at most {@code --seconds}
 * (or until every record is processed). Reported: records/s from its first record to the end,
 * CPU milliseconds per 1,000 records of the whole JVM (broker included) over the same span, and the
 * records seen out of their key's order.
 */
@Command(name = "keyed", mixinStandardHelpOptions = true,
        description = "A bolt sleeping per record: hand-written loop, partition order, key order.")
public final class KeyedBenchmark implements Callable<Integer> {

    private static final int PARTITIONS = 4;

    @Option(names = "--records", description = "Records in the input topic (default ${DEFAULT-VALUE}).")
    int records = 100_000;

    @Option(names = "--keys", description = "Distinct keys (default ${DEFAULT-VALUE}).")
    int keys = 1_000;

    @Option(names = "--delay-ms", description = "Sleep per record, in ms (default ${DEFAULT-VALUE}).")
    int delayMs = 5;

    @Option(names = "--max-in-flight", description = "maxInFlight of the key-ordered bolt (default ${DEFAULT-VALUE}).")
    int maxInFlight = 256;

    @Option(names = "--seconds", description = "Longest run of one contender (default ${DEFAULT-VALUE}).")
    int seconds = 20;

    @Option(names = "--contenders", split = ",", description = "Which contenders to run, of loop, streams, "
            + "partition, partition4, key (default all).")
    List<String> contenders = List.of("loop", "streams", "partition", "partition4", "key");

    @CommandLine.Mixin
    BenchJars jars = new BenchJars();

    private EmbeddedKafka kafka;
    private final List<String> rows = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new KeyedBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        try {
            kafka.createTopic("keyed-in", PARTITIONS);
            produce();
            System.out.printf(Locale.ROOT, "%,d records over %,d keys, %d partitions, %d ms a record; %d cores, "
                    + "load average %.1f at the start%n", records, keys, PARTITIONS, delayMs,
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            if (contenders.contains("loop")) {
                measure("hand-written loop", this::handLoop);
            }
            if (contenders.contains("streams")) {
                streams();
            }
            if (contenders.contains("partition")) {
                measure("geniusrise ordering: partition", (meter, stop) -> bolt("partition", Ordering.PARTITION, 1,
                        meter, stop));
            }
            if (contenders.contains("partition4")) {
                measure("geniusrise ordering: partition, concurrency 4", (meter, stop) -> bolt("partition4",
                        Ordering.PARTITION, 4, meter, stop));
            }
            if (contenders.contains("key")) {
                measure("geniusrise ordering: key, maxInFlight " + maxInFlight, (meter, stop) -> bolt("key",
                        Ordering.KEY, 1, meter, stop));
            }
            System.out.printf(Locale.ROOT, "%n| contender | records/s | CPU ms / 1,000 records | out of key order "
                    + "| records in process, average |%n|---|---:|---:|---:|---:|%n");
            rows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "load average at the end: %.1f%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            kafka.close();
        }
        return 0;
    }

    private void produce() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                String key = "k" + i % keys;
                producer.send(new ProducerRecord<>("keyed-in", key.getBytes(StandardCharsets.UTF_8),
                        (key + ":" + i / keys).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    /**
     * Counts records processed and those seen out of their key's order; sleeps per record. Also sums
     * the time records spent in {@link #process}: over a span, that sum divided by the span is the
     * time-weighted average number of records in process (independent of the machine's load, unlike
     * records/s: with a fixed delay, records/s is that average divided by the delay).
     */
    static final class Meter {
        final AtomicLong processed = new AtomicLong();
        final LongAdder busyNanos = new LongAdder();
        final AtomicLong outOfOrder = new AtomicLong();
        final Map<String, Integer> last = new ConcurrentHashMap<>();
        final long delayNanos;

        Meter(long delayNanos) {
            this.delayNanos = delayNanos;
        }

        void process(byte[] value) {
            long t0 = System.nanoTime();
            String[] v = new String(value, StandardCharsets.UTF_8).split(":");
            int seq = Integer.parseInt(v[1]);
            Integer before = last.put(v[0], seq);
            if (before != null && seq != before + 1) {
                outOfOrder.incrementAndGet();
            }
            LockSupport.parkNanos(delayNanos);
            busyNanos.add(System.nanoTime() - t0);
            processed.incrementAndGet();
        }
    }

    /** One contender, run until {@code stop} turns true. */
    @FunctionalInterface
    interface Contender {
        void run(Meter meter, BooleanSupplier stop) throws Exception;
    }

    private void measure(String name, Contender contender) throws Exception {
        Meter meter = new Meter(delayMs * 1_000_000L);
        AtomicBoolean stop = new AtomicBoolean();
        Thread runner = new Thread(() -> {
            try {
                contender.run(meter, stop::get);
            } catch (Exception e) {
                throw new IllegalStateException(name + " failed", e);
            }
        }, "contender");
        runner.start();
        while (meter.processed.get() == 0) {
            Thread.sleep(10);
        }
        long t0 = System.nanoTime();
        long cpu0 = cpuNanos();
        long n0 = meter.processed.get();
        long busy0 = meter.busyNanos.sum();
        long until = t0 + Duration.ofSeconds(seconds).toNanos();
        while (meter.processed.get() < records && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        long n = meter.processed.get() - n0;
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long cpu = cpuNanos() - cpu0;
        double inProcess = (meter.busyNanos.sum() - busy0) / 1e9 / elapsed;
        stop.set(true);
        runner.join();
        rows.add(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %,d | %.1f |", name, n / elapsed,
                cpu / 1e6 / Math.max(1, n) * 1000, meter.outOfOrder.get(), inProcess));
        System.out.println(rows.get(rows.size() - 1));
    }

    /**
     * Kafka Streams, one stream thread per partition (the most it can run in parallel), in a JVM of
     * its own: Streams 4.3.1 runs on the clients of its own version ({@link KafkaBenchmarkClient}'s
     * {@code streams-keyed}). Its CPU is its JVM's plus this one's (the broker) over the same span.
     */
    private void streams() throws Exception {
        String name = "kafka streams, " + PARTITIONS + " stream threads";
        kafka.createTopic("keyed-out-streams", PARTITIONS);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                jars.streamsClasspath(), KafkaBenchmarkClient.class.getName(),
                "streams-keyed", kafka.bootstrapServers(), Integer.toString(records), "keyed-in", "keyed-out-streams",
                "keyed-streams", Integer.toString(delayMs), Integer.toString(PARTITIONS), Integer.toString(seconds))
                .redirectErrorStream(true).start();
        long cpu0 = 0;
        long first = 0;
        String done = null;
        StringBuilder log = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("FIRST ")) {
                    cpu0 = cpuNanos();
                    first = Long.parseLong(line.substring("FIRST ".length()).trim());
                } else if (line.startsWith("DONE ")) {
                    done = line;
                    cpu0 = cpuNanos() - cpu0;
                } else if (log.length() < 20_000) {
                    log.append(line).append('\n');
                }
            }
        } finally {
            if (!child.waitFor(2, TimeUnit.MINUTES)) {
                child.destroyForcibly();
            }
        }
        if (done == null) {
            throw new IllegalStateException(name + " failed (exit status " + child.exitValue() + "):\n" + log);
        }
        String[] f = done.split(" ");
        long n = Long.parseLong(f[2]);
        double elapsed = (Long.parseLong(f[1]) - first) / 1e9;
        rows.add(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %,d | |", name, n / elapsed,
                (Long.parseLong(f[3]) + cpu0) / 1e6 / Math.max(1, n) * 1000, Long.parseLong(f[4])));
        System.out.println(rows.get(rows.size() - 1));
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private void handLoop(Meter meter, BooleanSupplier stop) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "keyed-hand", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            kafka.createTopic("keyed-out-hand", PARTITIONS);
            consumer.subscribe(List.of("keyed-in"));
            long nextCommit = System.nanoTime() + 1_000_000_000L;
            while (!stop.getAsBoolean()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    meter.process(r.value());
                    producer.send(new ProducerRecord<>("keyed-out-hand", r.key(), r.value()));
                    if (stop.getAsBoolean()) {
                        break;
                    }
                }
                if (System.nanoTime() - nextCommit >= 0) {
                    producer.flush();
                    consumer.commitSync();
                    nextCommit = System.nanoTime() + 1_000_000_000L;
                }
            }
        }
    }

    private void bolt(String name, Ordering ordering, int concurrency, Meter meter, BooleanSupplier stop)
            throws InterruptedException {
        kafka.createTopic("keyed-out-" + name, PARTITIONS);
        TaskSpec spec = TaskSpec.builder(name, TaskSpec.Kind.BOLT).taskClass(SleepingBolt.class)
                .input(StreamingInputConfig.builder("keyed-in").bootstrapServers(kafka.bootstrapServers())
                        .concurrency(concurrency).ordering(ordering)
                        .maxInFlight(ordering == Ordering.PARTITION ? null : maxInFlight).build())
                .output(StreamingOutputConfig.builder("keyed-out-" + name).bootstrapServers(kafka.bootstrapServers())
                        .build())
                .build();
        TaskRunner runner = TaskRunner.builder(spec).pipelineName("keyed").task(new SleepingBolt(meter)).build();
        Thread thread = new Thread(runner::run, "bolt-" + name);
        thread.start();
        while (!stop.getAsBoolean()) {
            Thread.sleep(20);
        }
        runner.requestStop();
        thread.join();
    }

    /** Sleeps per record through its {@link Meter}, then emits the record. */
    public static final class SleepingBolt extends Bolt {
        private final Meter meter;

        /** For the runtime; the benchmark passes its meter. */
        public SleepingBolt() {
            this(new Meter(5_000_000L));
        }

        SleepingBolt(Meter meter) {
            this.meter = meter;
        }

        @Override
        protected void process(Record in, Emitter out) {
            meter.process(in.value());
            out.emit(in);
        }
    }
}
