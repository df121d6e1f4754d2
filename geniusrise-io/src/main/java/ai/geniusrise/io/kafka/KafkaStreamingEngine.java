package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.spi.StreamingEngine;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.SettingsDef;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import ai.geniusrise.core.spi.StreamingTask;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Runs streaming tasks on Kafka: bolts reading a Kafka topic and writing a Kafka topic, bolts
 * reading a Kafka topic and writing a batch output at intervals (see {@link KafkaArchiveLoop}), and
 * streaming spouts writing a Kafka topic. Found by the runtime through
 * {@link java.util.ServiceLoader}; users never call it.
 *
 * <p>Delivery: at-least-once by default (offsets committed after the records produced from them are
 * acknowledged, at every {@code commitInterval}, after {@code commitRecords} records, when the input
 * goes idle, on rebalance and on stop); exactly-once for bolts with {@code guarantee: exactly_once}
 * (Kafka transactions with {@code sendOffsetsToTransaction}, committed at those points and as soon as
 * the member has caught up with its input).
 * A spout's records are acknowledged before {@link #run} returns. Dead letters go to the task's
 * {@code deadLetter} topic, default {@code <input topic>.dlq} (a spout: {@code <output topic>.dlq}),
 * created if missing; input and output topics must exist. Each {@link #run} call uses its own
 * clients, so one engine may serve several tasks at once. A bolt's input {@code concurrency} runs
 * that many group members on as many threads, each with its own consumer and producer. A member
 * pauses its partitions while more than half its producer's {@code buffer.memory} is unacknowledged.
 * With {@code inputConfig.ordering: key} or {@code none}, each member processes up to
 * {@code maxInFlight} records at once through a {@link KeyedDispatcher}.
 */
public final class KafkaStreamingEngine implements StreamingEngine {

    /** Kafka's rule for a topic name, which a stream's {@code source} (of a bolt) and {@code destination} follow. */
    public static final Setting<String> TOPIC = Setting.string("topic", "A Kafka topic.")
            .check(t -> t.length() <= 249 && t.matches("[a-zA-Z0-9._-]+") && !t.equals(".") && !t.equals(".."),
                    "a Kafka topic name: 1 to 249 letters, digits, '.', '_' or '-' (a location such as "
                            + "s3://bucket/prefix is written by an outputConfig of type: batch)");

    /**
     * The {@code properties} of a Kafka stream: the clients' own properties, passed through as
     * written; a key none of Kafka's producer, consumer and admin configs knows gets a warning.
     */
    public static final SettingsDef PROPERTIES = SettingsDef.of("the properties of a Kafka stream")
            .passingThrough(key -> ProducerConfig.configNames().contains(key)
                    || ConsumerConfig.configNames().contains(key) || AdminClientConfig.configNames().contains(key),
                    "Kafka's producer, consumer or admin client");

    /** For {@link java.util.ServiceLoader}. */
    public KafkaStreamingEngine() {
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public SettingsDef properties() {
        return PROPERTIES;
    }

    @Override
    public Setting<String> streamName() {
        return TOPIC;
    }

    @Override
    public boolean serves(InputConfig input, OutputConfig output, boolean spout) {
        return output instanceof StreamingOutputConfig && (spout || input instanceof StreamingInputConfig)
                || !spout && input instanceof StreamingInputConfig && output instanceof BatchOutputConfig;
    }

    @Override
    public void run(StreamingTask task) throws InterruptedException {
        TaskContext context = task.context();
        if (context.output() instanceof BatchOutputConfig) {
            KafkaArchiveLoop.run(task);
            return;
        }
        StreamingOutputConfig out = (StreamingOutputConfig) context.output();
        String outBootstrap = KafkaClients.bootstrapServers(out.bootstrapServers(),
                "config.outputConfig.bootstrapServers");
        String id = context.pipelineName() + "." + context.taskName();
        if (task.isSpout()) {
            String dlq = task.deadLetter() != null ? task.deadLetter() : out.topic() + ".dlq";
            Map<String, String> topics = new LinkedHashMap<>();
            topics.put(out.topic(), "config.outputConfig.destination");
            if (task.errors() == ErrorPolicy.DEAD_LETTER) {
                topics.put(dlq, "deadLetter");
            }
            Map<String, Object> producerProps = KafkaClients.spoutProducer(outBootstrap, id + "-producer",
                    out.properties());
            int maxRequest = KafkaClients.maxRequestSize(producerProps);
            Map<String, Integer> limits = KafkaClients.checkTopics(outBootstrap, out.properties(),
                    "config.outputConfig.properties", topics, dlq, maxRequest);
            TopicSchemas encoding = TopicSchemas.writing(out);
            Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProps);
            try (KafkaStreamingOutput output = new KafkaStreamingOutput(producer, context.taskName(), out.topic(), dlq,
                    out.keyField(), false, Math.min(maxRequest, limits.getOrDefault(dlq, maxRequest)))) {
                task.opened();
                task.produce(encoding == null ? output : encoding.encoding(output, task));
                output.flush();
            }
            return;
        }
        StreamingInputConfig in = (StreamingInputConfig) context.input();
        String inBootstrap = KafkaClients.bootstrapServers(in.bootstrapServers(), "config.inputConfig.bootstrapServers");
        String dlq = task.deadLetter() != null ? task.deadLetter() : in.topic() + ".dlq";
        Map<String, String> outTopics = new LinkedHashMap<>();
        outTopics.put(out.topic(), "config.outputConfig.destination");
        if (task.errors() == ErrorPolicy.DEAD_LETTER) {
            outTopics.put(dlq, "deadLetter");
        }
        // a dead letter carries an input record: the dead-letter topic must hold the largest the input holds
        int maxRequest = KafkaClients.maxRequestSize(KafkaClients.producer(outBootstrap, id, null, out.properties()));
        Map<String, Integer> outLimits;
        if (KafkaClients.sameAdmin(inBootstrap, in.properties(), outBootstrap, out.properties())) {
            // one cluster: one admin client checks every topic (the input's limit counts for the dead letters)
            Map<String, String> topics = new LinkedHashMap<>();
            topics.put(in.topic(), "config.inputConfig.source");
            outTopics.forEach(topics::putIfAbsent);
            outLimits = KafkaClients.checkTopics(inBootstrap, KafkaClients.bothWaits(in.properties(),
                    out.properties()), "config.inputConfig.properties", topics, dlq, maxRequest);
        } else {
            Map<String, Integer> inLimits = KafkaClients.checkTopics(inBootstrap, in.properties(),
                    "config.inputConfig.properties", Map.of(in.topic(), "config.inputConfig.source"), null, 0);
            int inputLimit = inLimits.getOrDefault(in.topic(), 0);
            outLimits = KafkaClients.checkTopics(outBootstrap, out.properties(),
                    "config.outputConfig.properties", outTopics, dlq, Math.max(maxRequest,
                            inputLimit > Integer.MAX_VALUE - KafkaClients.DEAD_LETTER_HEADROOM ? inputLimit
                                    : inputLimit + KafkaClients.DEAD_LETTER_HEADROOM));
        }

        Group group = new Group(in, out, inBootstrap, outBootstrap, in.groupId() != null ? in.groupId() : id, dlq,
                Math.min(maxRequest, outLimits.getOrDefault(dlq, maxRequest)), TopicSchemas.reading(in),
                TopicSchemas.writing(out));
        if (in.concurrency() == 1) {
            group.runMember(task, -1, task::stopRequested);
        } else {
            group.runMembers(task, in.concurrency());
        }
    }

    /**
     * What every member of a bolt's consumer group shares: configs, servers, group id, dead-letter
     * topic and the largest dead letter it takes, the input's and the output's schemas.
     */
    private record Group(StreamingInputConfig in, StreamingOutputConfig out, String inBootstrap, String outBootstrap,
                         String groupId, String dlq, int deadLetterMaxBytes, TopicSchemas decoding,
                         TopicSchemas encoding) {

        /**
         * Runs {@code count} members of the group: the calling thread is member 0, each other member has
         * a thread of its own and its own {@link StreamingTask#member()}. The first failure stops every
         * member (each commits what it has acknowledged) and is thrown once they have all returned.
         */
        private void runMembers(StreamingTask task, int count) throws InterruptedException {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            BooleanSupplier stop = () -> failure.get() != null || task.stopRequested();
            List<Thread> threads = new ArrayList<>();
            for (int m = 1; m < count; m++) {
                int member = m;
                StreamingTask view = task.member();
                Thread t = new Thread(() -> {
                    try {
                        runMember(view, member, stop);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "geniusrise-" + task.context().taskName() + "-member-" + m);
                t.start();
                threads.add(t);
            }
            try {
                runMember(task, 0, stop);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
            for (Thread t : threads) {
                t.join();
            }
            Throwable e = failure.get();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (e != null) {
                throw new TaskFailedException("task '" + task.context().taskName() + "' failed: " + e, e);
            }
        }

        /**
         * One member of the group: its own consumer and producer (and transactional id), its loop on the
         * calling thread. {@code member} is -1 when the task runs one member only.
         */
        private void runMember(StreamingTask task, int member, BooleanSupplier stop) {
            TaskContext context = task.context();
            String clientId = context.pipelineName() + "." + context.taskName() + (member < 0 ? "" : "-" + member);
            boolean exactlyOnce = task.guarantee() == Guarantee.EXACTLY_ONCE;
            Map<String, Object> consumerProps = KafkaClients.consumer(inBootstrap, groupId, clientId + "-consumer",
                    in.properties());
            String txId = exactlyOnce ? transactionalId(groupId) + (member < 0 ? "" : "-" + member) : null;
            Map<String, Object> producerProps = KafkaClients.producer(outBootstrap, clientId + "-producer", txId,
                    out.properties());
            Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProps);
            KafkaStreamingOutput output;
            try {
                output = new KafkaStreamingOutput(producer, context.taskName(), out.topic(), dlq, out.keyField(),
                        exactlyOnce, deadLetterMaxBytes);
            } catch (RuntimeException e) {
                producer.close(Duration.ofSeconds(5));
                throw e;
            }
            KafkaConsumer<byte[], byte[]> consumer;
            try {
                consumer = new KafkaConsumer<>(consumerProps);
            } catch (RuntimeException e) {
                output.close();
                throw e;
            }
            KafkaStreamingInput loop = new KafkaStreamingInput(consumer, output, task, in.topic(), in.commitInterval(),
                    in.commitRecords(), String.valueOf(consumerProps.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)),
                    KafkaClients.maxInFlightBytes(producerProps), stop, decoding, encoding);
            KeyedDispatcher keyed = in.ordering() == Ordering.PARTITION ? null
                    : new KeyedDispatcher(task, output, in.ordering(), in.maxInFlight());
            if (keyed != null) {
                loop.dispatchTo(keyed);
            }
            List<Meter> meters = gauges(context.metrics(), member, output, loop, keyed);
            task.opened();
            try {
                loop.runAndClose();
            } finally {
                meters.forEach(context.metrics()::remove);
                if (keyed != null) {
                    keyed.close();
                }
            }
        }

        /**
         * {@code geniusrise_kafka_in_flight_bytes}, {@code geniusrise_kafka_paused_partitions} and
         * {@code geniusrise_input_lag}, per member; with {@code keyed},
         * {@code geniusrise_records_in_process} and {@code geniusrise_records_waiting} too.
         */
        private static List<Meter> gauges(MeterRegistry registry, int member, KafkaStreamingOutput output,
                                          KafkaStreamingInput loop, KeyedDispatcher keyed) {
            Tags tags = Tags.of("member", Integer.toString(Math.max(0, member)));
            List<Meter> meters = new ArrayList<>(List.of(
                    Gauge.builder("geniusrise.kafka.in.flight.bytes", output, KafkaStreamingOutput::inFlightBytes)
                            .description("Bytes of keys and values sent to Kafka and not yet acknowledged")
                            .baseUnit("bytes").tags(tags).strongReference(true).register(registry),
                    Gauge.builder("geniusrise.kafka.paused.partitions", loop, KafkaStreamingInput::pausedPartitions)
                            .description("Input partitions paused because the output is behind")
                            .tags(tags).strongReference(true).register(registry),
                    Gauge.builder(StreamingEngine.INPUT_LAG_GAUGE, loop, KafkaStreamingInput::lag)
                            .description("Records of the assigned input partitions not read yet (consumer lag; "
                                    + "-1 while unknown), checked every second")
                            .tags(tags).strongReference(true).register(registry)));
            if (keyed != null) {
                meters.add(Gauge.builder(StreamingEngine.IN_PROCESS_GAUGE, keyed, KeyedDispatcher::inProcess)
                        .description("Records in process (ordering: key or none): the bolt called, its stage not "
                                + "complete; at most maxInFlight")
                        .tags(tags).strongReference(true).register(registry));
                meters.add(Gauge.builder(StreamingEngine.WAITING_GAUGE, keyed, KeyedDispatcher::waiting)
                        .description("Records taken and waiting to run (ordering: key): behind a record of their "
                                + "key")
                        .tags(tags).strongReference(true).register(registry));
            }
            return meters;
        }
    }

    /**
     * Stable across restarts of the same instance, so that a restarted task fences its crashed
     * predecessor and aborts its open transaction at once: {@code <group>-<instance>}, the instance
     * from {@code GENIUSRISE_INSTANCE}, else {@code HOSTNAME} (a StatefulSet pod's name), else 0.
     */
    static String transactionalId(String groupId) {
        String instance = System.getenv("GENIUSRISE_INSTANCE");
        if (instance == null || instance.isBlank()) {
            instance = System.getenv("HOSTNAME");
        }
        return groupId + "-" + (instance == null || instance.isBlank() ? "0" : instance.trim());
    }
}
