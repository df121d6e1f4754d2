package ai.geniusrise.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One contender of {@link KafkaBenchmark} other than our bolt (which {@link UppercaseBoltMain} starts),
 * run in a JVM of its own against the benchmark's broker: {@code <scenario> <bootstrap> <records>
 * <input topic> <output topic> <group>} ({@code producer} writes {@code <records>} values of
 * {@code <output topic>}'s... see {@link #main}). Prints {@code T0 <nanoTime>} when it starts, then
 * {@code PROCESSED <nanoTime> <steady records/s> <cpu nanos> <cpu nanos before the first record> <nanoTime of the
 * first record>} once it
 * has processed (the producer:
 * sent) every record, then closes its clients cleanly (flushed, committed) and exits; the benchmark
 * takes the whole run from {@code T0} to the exit. The times are {@link System#nanoTime()}, which on
 * Linux is the machine's monotonic clock, the same in every JVM.
 */
public final class KafkaBenchmarkClient {

    static final Progress PROGRESS = new Progress();
    private static long cpu0;

    private final String bootstrap;
    private final int records;
    private final String in;
    private final String out;
    private final String group;

    private KafkaBenchmarkClient(String bootstrap, int records, String in, String out, String group) {
        this.bootstrap = bootstrap;
        this.records = records;
        this.in = in;
        this.out = out;
        this.group = group;
    }

    /**
     * {@code <scenario> <bootstrap> <records> <input topic> <output topic> <group>}; scenarios:
     * {@code producer} (writes {@code <records>} values of {@code <input topic>} bytes each to
     * {@code <output topic>}), {@code loop}, {@code streams-alos}, {@code streams-eos} (Kafka Streams
     * with the producer settings of the other contenders), {@code streams-alos-defaults},
     * {@code streams-eos-defaults} (Kafka Streams on its own defaults).
     */
    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        KafkaBenchmarkClient client = new KafkaBenchmarkClient(args[1], Integer.parseInt(args[2]), args[3], args[4],
                args[5]);
        started(client.records);
        switch (scenario) {
            case "producer" -> client.rawProducer(Integer.parseInt(client.in));
            case "loop" -> client.handWrittenLoop(Arrays.asList(args).subList(6, args.length));
            case "streams-alos" -> client.streams(StreamsConfig.AT_LEAST_ONCE, true);
            case "streams-eos" -> client.streams(StreamsConfig.EXACTLY_ONCE_V2, true);
            case "streams-alos-defaults" -> client.streams(StreamsConfig.AT_LEAST_ONCE, false);
            case "streams-eos-defaults" -> client.streams(StreamsConfig.EXACTLY_ONCE_V2, false);
            case "streams-keyed" -> client.keyedStreams(Integer.parseInt(args[6]), Integer.parseInt(args[7]),
                    Integer.parseInt(args[8]));
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        }
        System.exit(0);
    }

    /**
     * {@link KeyedBenchmark}'s Kafka Streams contender: {@code mapValues} sleeping {@code delayMs} a
     * record (through a {@link KeyedBenchmark.Meter}) on {@code threads} stream threads, at_least_once,
     * its defaults otherwise. Prints {@code FIRST <nanoTime>} at the first record, then, once every
     * record is processed or {@code seconds} after the first, {@code DONE <nanoTime> <records since
     * the first> <cpu nanos since the first> <out of key order>}, closes and exits.
     */
    private void keyedStreams(int delayMs, int threads, int seconds) throws Exception {
        KeyedBenchmark.Meter meter = new KeyedBenchmark.Meter(delayMs * 1_000_000L);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, group);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("bench-streams").toString());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        StreamsBuilder builder = new StreamsBuilder();
        builder.<byte[], byte[]>stream(in).mapValues(v -> {
            meter.process(v);
            return v;
        }).to(out);
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.start();
        try {
            while (meter.processed.get() == 0) {
                Thread.sleep(5);
            }
            long t0 = System.nanoTime();
            long c0 = processCpuNanos();
            long n0 = meter.processed.get();
            System.out.println("FIRST " + t0);
            System.out.flush();
            long until = t0 + TimeUnit.SECONDS.toNanos(seconds);
            while (meter.processed.get() < records && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            System.out.printf(Locale.ROOT, "DONE %d %d %d %d%n", System.nanoTime(), meter.processed.get() - n0,
                    processCpuNanos() - c0, meter.outOfOrder.get());
            System.out.flush();
        } finally {
            streams.close(Duration.ofSeconds(60));
        }
    }

    /** Prints the {@code T0} line and counts from zero to {@code records}. */
    static void started(long records) {
        System.out.println("T0 " + System.nanoTime());
        System.out.flush();
        cpu0 = processCpuNanos();
        PROGRESS.reset(records);
    }

    /** Waits until every record is processed, then prints the {@code PROCESSED} line. */
    static void reportWhenProcessed() {
        try {
            PROGRESS.awaitDone(Duration.ofMinutes(30));
        } catch (InterruptedException e) {
            return;
        }
        processed();
    }

    private static void processed() {
        System.out.printf(Locale.ROOT, "PROCESSED %d %.1f %d %d %d%n", PROGRESS.done, PROGRESS.steadyRate(),
                processCpuNanos() - cpu0, PROGRESS.cpuAtFirst - cpu0, PROGRESS.firstAt);
        System.out.flush();
    }

    /** Counts records processed by the one processing thread and notes when 10 % and 90 % were reached. */
    static final class Progress {
        private volatile long target;
        private long count;
        private volatile long at10;
        private volatile long at90;
        volatile long done;
        /** The process's CPU time when the first record came: what starting up cost. */
        volatile long cpuAtFirst;
        /** The {@link System#nanoTime()} of the first record. */
        volatile long firstAt;

        void reset(long n) {
            count = 0;
            at10 = 0;
            at90 = 0;
            done = 0;
            cpuAtFirst = 0;
            firstAt = 0;
            target = n;
        }

        void tick() {
            long c = ++count;
            long n = target;
            if (c == 1) {
                firstAt = System.nanoTime();
                cpuAtFirst = processCpuNanos();
            }
            if (c == n / 10) {
                at10 = System.nanoTime();
            } else if (c == n * 9 / 10) {
                at90 = System.nanoTime();
            } else if (c == n) {
                done = System.nanoTime();
            }
        }

        boolean isDone() {
            return done != 0;
        }

        void awaitDone(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (done == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + count + " of " + target + " records processed in "
                            + timeout);
                }
                Thread.sleep(5);
            }
        }

        double steadyRate() {
            return (target * 8 / 10) / ((at90 - at10) / 1e9);
        }
    }

    /** ASCII upper case into a new array. */
    static byte[] upper(byte[] v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            byte b = v[i];
            out[i] = b >= 'a' && b <= 'z' ? (byte) (b - 32) : b;
        }
        return out;
    }

    static Map<String, Object> producerProps(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        return p;
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The loop; {@code extra}: consumer properties {@code KEY=VALUE} on top of its own. */
    private void handWrittenLoop(List<String> extra) throws Exception {
        Map<String, Object> c = new HashMap<>();
        for (String property : extra) {
            c.put(property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
        }
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        AtomicReference<Exception> failed = new AtomicReference<>();
        Callback callback = (m, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            }
        };
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            consumer.subscribe(List.of(in));
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            long processed = 0;
            long nextCommit = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (processed < records) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    producer.send(new ProducerRecord<>(out, r.key(), upper(r.value())), callback);
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    processed++;
                    PROGRESS.tick();
                }
                if (System.nanoTime() - nextCommit >= 0) {
                    producer.flush();
                    consumer.commitSync(offsets);
                    nextCommit = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
            processed();
            producer.flush();
            consumer.commitSync(offsets);
        }
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    /** Writes {@code records} values of {@code valueBytes} random lower-case letters to the output topic. */
    private void rawProducer(int valueBytes) throws Exception {
        byte[][] values = new byte[256][];
        Random random = new Random(42);
        for (int i = 0; i < values.length; i++) {
            byte[] v = new byte[valueBytes];
            for (int j = 0; j < v.length; j++) {
                v[j] = (byte) ('a' + random.nextInt(26));
            }
            values[i] = v;
        }
        AtomicReference<Exception> failed = new AtomicReference<>();
        Callback callback = (m, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            }
        };
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(bootstrap), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                p.send(new ProducerRecord<>(out, null, values[i & 255]), callback);
                PROGRESS.tick();
            }
            processed();
            p.flush();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    /**
     * Kafka Streams {@code mapValues}, one stream thread; {@code ourProducerSettings}: with the
     * producer settings of every other contender ({@link #producerProps}), else on its own defaults.
     */
    private void streams(String guarantee, boolean ourProducerSettings) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, group);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("bench-streams").toString());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        if (ourProducerSettings) {
            producerProps(bootstrap).forEach((k, v) -> {
                if (!k.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                    p.put(StreamsConfig.producerPrefix(k), v);
                }
            });
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.<byte[], byte[]>stream(in).mapValues(v -> {
            PROGRESS.tick();
            return upper(v);
        }).to(out);
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.start();
        try {
            PROGRESS.awaitDone(Duration.ofMinutes(30));
            processed();
        } finally {
            streams.close(Duration.ofSeconds(60));
        }
    }
}
