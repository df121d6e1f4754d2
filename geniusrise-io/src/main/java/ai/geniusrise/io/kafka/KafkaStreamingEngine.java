package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.spi.StreamingEngine;
import ai.geniusrise.core.spi.StreamingTask;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs streaming tasks on Kafka: bolts reading a Kafka topic and writing a Kafka topic, bolts
 * reading a Kafka topic and writing a batch output at intervals (see {@link KafkaArchiveLoop}), and
 * streaming spouts writing a Kafka topic. Found by the runtime through
 * {@link java.util.ServiceLoader}; users never call it.
 *
 * <p>Delivery: at-least-once by default (offsets committed after the records produced from them are
 * acknowledged, at every {@code commitInterval}, on rebalance and on stop); exactly-once for bolts
 * with {@code guarantee: exactly_once} (Kafka transactions with {@code sendOffsetsToTransaction}).
 * A spout's records are acknowledged before {@link #run} returns. Dead letters go to the task's
 * {@code deadLetter} topic, default {@code <input topic>.dlq} (a spout: {@code <output topic>.dlq}),
 * created if missing; input and output topics must exist. Each {@link #run} call uses its own
 * clients, so one engine may serve several tasks at once.
 */
public final class KafkaStreamingEngine implements StreamingEngine {

    /** For {@link java.util.ServiceLoader}. */
    public KafkaStreamingEngine() {
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public boolean serves(InputConfig input, OutputConfig output, boolean spout) {
        return output instanceof StreamingOutputConfig && (spout || input instanceof StreamingInputConfig)
                || !spout && input instanceof StreamingInputConfig && output instanceof BatchOutputConfig;
    }

    @Override
    public void run(StreamingTask task) {
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
            KafkaClients.checkTopics(outBootstrap, out.properties(), "config.outputConfig.properties", topics, dlq);
            Producer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(outBootstrap, id + "-producer",
                    null, out.properties()));
            try (KafkaStreamingOutput output = new KafkaStreamingOutput(producer, context.taskName(), out.topic(), dlq,
                    out.keyField(), false)) {
                task.produce(output);
                output.flush();
            }
            return;
        }
        StreamingInputConfig in = (StreamingInputConfig) context.input();
        String inBootstrap = KafkaClients.bootstrapServers(in.bootstrapServers(), "config.inputConfig.bootstrapServers");
        String dlq = task.deadLetter() != null ? task.deadLetter() : in.topic() + ".dlq";
        KafkaClients.checkTopics(inBootstrap, in.properties(), "config.inputConfig.properties",
                Map.of(in.topic(), "config.inputConfig.source"), null);
        Map<String, String> outTopics = new LinkedHashMap<>();
        outTopics.put(out.topic(), "config.outputConfig.destination");
        if (task.errors() == ErrorPolicy.DEAD_LETTER) {
            outTopics.put(dlq, "deadLetter");
        }
        KafkaClients.checkTopics(outBootstrap, out.properties(), "config.outputConfig.properties", outTopics, dlq);

        String groupId = in.groupId() != null ? in.groupId() : id;
        boolean exactlyOnce = task.guarantee() == Guarantee.EXACTLY_ONCE;
        Map<String, Object> consumerProps = KafkaClients.consumer(inBootstrap, groupId, id + "-consumer",
                in.properties());
        Producer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(outBootstrap, id + "-producer",
                exactlyOnce ? transactionalId(groupId) : null, out.properties()));
        KafkaStreamingOutput output;
        try {
            output = new KafkaStreamingOutput(producer, context.taskName(), out.topic(), dlq, out.keyField(),
                    exactlyOnce);
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
                String.valueOf(consumerProps.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)));
        try {
            loop.run();
        } finally {
            loop.close();
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
