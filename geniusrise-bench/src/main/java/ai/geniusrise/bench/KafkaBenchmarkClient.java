package ai.geniusrise.bench;

import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.TaskRunner;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One consume → uppercase → produce contender of {@link KafkaBenchmark}, run in a JVM of its own
 * against the benchmark's broker: {@code <scenario> <bootstrap> <records> [<input topic> <output
 * topic> <group>]} (default {@code bench-in}, {@code out-<scenario>} and a group per scenario; the
 * latency runs name their own). Prints one line
 * {@code RESULT <wall nanos> <steady records/s> <cpu nanos>}: wall time from creating the clients
 * to their clean close (flushed, committed), the rate from 10 % to 90 % of the records processed,
 * and this JVM's CPU time over the same span.
 */
public final class KafkaBenchmarkClient {

    static final Progress PROGRESS = new Progress();

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

    /** The consumer group (Kafka Streams: application id) a scenario uses in the throughput run. */
    static String defaultGroup(String scenario) {
        return scenario.startsWith("geniusrise") ? "bench." + scenario : "bench-" + scenario;
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        KafkaBenchmarkClient client = new KafkaBenchmarkClient(args[1], Integer.parseInt(args[2]),
                args.length > 3 ? args[3] : "bench-in", args.length > 4 ? args[4] : "out-" + scenario,
                args.length > 5 ? args[5] : defaultGroup(scenario));
        PROGRESS.reset(client.records);
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        switch (scenario) {
            case "loop" -> client.handWrittenLoop();
            case "streams-alos" -> client.streams(StreamsConfig.AT_LEAST_ONCE, scenario);
            case "streams-eos" -> client.streams(StreamsConfig.EXACTLY_ONCE_V2, scenario);
            case "geniusrise-alos" -> client.geniusrise(Guarantee.AT_LEAST_ONCE, scenario);
            case "geniusrise-eos" -> client.geniusrise(Guarantee.EXACTLY_ONCE, scenario);
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        }
        long wall = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        System.out.printf(Locale.ROOT, "RESULT %d %.1f %d%n", wall, PROGRESS.steadyRate(), cpu);
        System.exit(0);
    }

    /** Counts records processed by the one processing thread and notes when 10 % and 90 % were reached. */
    static final class Progress {
        private volatile long target;
        private long count;
        private volatile long at10;
        private volatile long at90;
        private volatile long done;

        void reset(long n) {
            count = 0;
            at10 = 0;
            at90 = 0;
            done = 0;
            target = n;
        }

        void tick() {
            long c = ++count;
            long n = target;
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

    private void handWrittenLoop() throws Exception {
        Map<String, Object> c = new HashMap<>();
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
            producer.flush();
            consumer.commitSync(offsets);
        }
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    private void streams(String guarantee, String name) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, group);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("bench-streams").toString());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        StreamsBuilder builder = new StreamsBuilder();
        builder.<byte[], byte[]>stream(in).mapValues(v -> {
            PROGRESS.tick();
            return upper(v);
        }).to(out);
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.start();
        try {
            PROGRESS.awaitDone(Duration.ofMinutes(10));
        } finally {
            streams.close(Duration.ofSeconds(60));
        }
    }

    private void geniusrise(Guarantee guarantee, String name) throws Exception {
        TaskSpec spec = TaskSpec.builder(name, TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(StreamingInputConfig.builder(in).bootstrapServers(bootstrap).groupId(group).build())
                .output(StreamingOutputConfig.builder(out).bootstrapServers(bootstrap).build())
                .guarantee(guarantee).build();
        TaskRunner runner = TaskRunner.builder(spec).pipelineName("bench").build();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                runner.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "geniusrise-" + name);
        t.start();
        try {
            while (!PROGRESS.isDone() && failed.get() == null) {
                Thread.sleep(5);
            }
        } finally {
            runner.requestStop();
            t.join(60_000);
        }
        if (failed.get() != null) {
            throw new IllegalStateException(name + " failed: " + failed.get(), failed.get());
        }
    }
}
