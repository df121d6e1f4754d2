package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.TaskFailedException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kafka client settings of one task, and the up-front checks that turn a bad configuration into a
 * clear error within a bounded time instead of a client retrying forever.
 */
final class KafkaClients {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);

    /** How long the up-front checks wait for the brokers unless {@code default.api.timeout.ms} says otherwise. */
    static final long DEFAULT_CHECK_TIMEOUT_MS = 15_000;
    /**
     * Room for the headers a dead letter adds to the record it carries: a dead-letter topic the task
     * creates holds records this much larger than the largest its other topics hold.
     */
    static final int DEAD_LETTER_HEADROOM = 64 << 10;
    /** How long a topic not found is looked for again before it is reported missing (see {@code appears}). */
    static final long TOPIC_GRACE_MS = 5_000;
    private static final long TOPIC_RECHECK_MS = 200;
    /** The producer's {@code max.request.size} by default: 1 MiB. */
    private static final int DEFAULT_MAX_REQUEST_SIZE = 1 << 20;

    private KafkaClients() {
    }

    /**
     * The configured servers, else the environment variable {@code KAFKA_BOOTSTRAP_SERVERS}.
     *
     * @throws ConfigException at {@code path} when neither is set
     */
    static String bootstrapServers(String configured, String path) {
        if (configured != null) {
            return configured;
        }
        String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        throw new ConfigException(path, "no Kafka brokers are configured: set bootstrapServers here or in "
                + "defaults.kafka, or the environment variable KAFKA_BOOTSTRAP_SERVERS");
    }

    static Map<String, Object> consumer(String bootstrap, String groupId, String clientId, Map<String, String> user) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putAll(user);
        // the loop commits itself: offsets committed behind its back would break the guarantee
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    static Map<String, Object> producer(String bootstrap, String clientId, String transactionalId,
                                        Map<String, String> user) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
        }
        p.putAll(user);
        if (transactionalId != null && !user.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        if (transactionalId == null) {
            p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        }
        return p;
    }

    /**
     * The producer of a spout: {@link #producer} without a transaction, and waiting for Kafka as long as it
     * takes ({@code delivery.timeout.ms} and {@code max.block.ms} unlimited unless {@code user} sets them),
     * as Kafka Connect's source tasks do. A spout's input cannot be read again, so a send that gave up
     * while Kafka is away would lose what was received; waiting holds the sources back instead (the
     * listeners stop reading their sockets, the HTTP listener answers 503), and a stop stays bounded by
     * the runtime's shutdown timeout.
     */
    static Map<String, Object> spoutProducer(String bootstrap, String clientId, Map<String, String> user) {
        Map<String, Object> p = producer(bootstrap, clientId, null, user);
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Long.MAX_VALUE));
        return p;
    }

    /**
     * The in-flight bound of a loop writing through a producer with these settings: half its
     * {@code buffer.memory} (default 32 MiB), so that the loop pauses its input before a full buffer
     * would block it in {@code send}.
     */
    static long maxInFlightBytes(Map<String, Object> producer) {
        Object buffer = producer.get(ProducerConfig.BUFFER_MEMORY_CONFIG);
        long bytes = 32L * 1024 * 1024;
        if (buffer != null) {
            try {
                bytes = Long.parseLong(buffer.toString().trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(ProducerConfig.BUFFER_MEMORY_CONFIG,
                        "must be a whole number of bytes, got '" + buffer + "'");
            }
        }
        return Math.max(1, bytes / 2);
    }

    /** The largest request the producer with these settings sends: its {@code max.request.size}. */
    static int maxRequestSize(Map<String, ?> producer) {
        Object size = producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (size == null) {
            return DEFAULT_MAX_REQUEST_SIZE;
        }
        try {
            return Integer.parseInt(size.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                    "must be a whole number of bytes, got '" + size + "'");
        }
    }

    static long checkTimeoutMs(Map<String, String> user) {
        String t = user.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        if (t == null) {
            return DEFAULT_CHECK_TIMEOUT_MS;
        }
        try {
            return Long.parseLong(t.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    "must be a whole number of milliseconds, got '" + t + "'");
        }
    }

    /**
     * Checks that {@code topics} exist on the cluster at {@code bootstrap}, and creates
     * {@code createIfMissing} (a dead-letter topic) when it does not, with a {@code max.message.bytes}
     * of at least {@code minDeadLetterBytes} and at least {@link #DEAD_LETTER_HEADROOM} above that of
     * each other topic checked, so that a record any of them holds fits in a dead letter.
     *
     * @param paths the config path naming each topic, for errors
     * @return each topic's {@code max.message.bytes}, for the topics whose configuration the client may read
     * @throws ConfigException     if a topic is missing, or the client is refused (authentication, ACLs)
     * @throws TaskFailedException if the brokers do not answer within the timeout
     */
    static Map<String, Integer> checkTopics(String bootstrap, Map<String, String> user, String propertiesPath,
                                            Map<String, String> paths, String createIfMissing,
                                            int minDeadLetterBytes) {
        long timeout = checkTimeoutMs(user);
        Map<String, Object> props = adminSettings(user);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout, 30_000));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        try (Admin admin = Admin.create(props)) {
            Map<String, KafkaFuture<TopicDescription>> found = admin.describeTopics(paths.keySet()).topicNameValues();
            String missing = null;
            for (Map.Entry<String, String> topic : paths.entrySet()) {
                try {
                    await(found.get(topic.getKey()), deadline);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                    if (topic.getKey().equals(createIfMissing)) {
                        missing = createIfMissing;
                    } else if (!appears(admin, topic.getKey(), bootstrap, deadline)) {
                        throw new ConfigException(topic.getValue(), "topic '" + topic.getKey() + "' does not exist "
                                + "on the Kafka cluster at " + bootstrap + " (checked for "
                                + TOPIC_GRACE_MS / 1000 + " s); create it first (kafka-topics.sh "
                                + "--create --topic " + topic.getKey() + ") or fix the name");
                    }
                }
            }
            Map<String, Integer> limits = maxMessageBytes(admin, paths.keySet(), missing, deadline);
            int needed = minDeadLetterBytes;
            for (Map.Entry<String, Integer> limit : limits.entrySet()) {
                if (!limit.getKey().equals(createIfMissing)) {
                    int l = limit.getValue();
                    needed = Math.max(needed, l > Integer.MAX_VALUE - DEAD_LETTER_HEADROOM ? l
                            : l + DEAD_LETTER_HEADROOM);
                }
            }
            if (missing != null) {
                if (create(admin, missing, needed, deadline)) {
                    limits.put(missing, needed);
                }
            } else if (createIfMissing != null && limits.containsKey(createIfMissing)
                    && limits.get(createIfMissing) < needed) {
                LOG.warn("the dead-letter topic '{}' holds records of up to {} bytes (max.message.bytes), less than "
                        + "the {} its task may need: larger dead letters are truncated", createIfMissing,
                        limits.get(createIfMissing), needed);
            }
            return limits;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
                throw new ConfigException(propertiesPath, "the Kafka cluster at " + bootstrap + " refused the client: "
                        + cause.getMessage() + "; check the security properties (sasl.*, ssl.*, security.protocol)",
                        cause);
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(bootstrap, timeout, cause);
            }
            throw new TaskFailedException("cannot check the topics on the Kafka cluster at " + bootstrap + ": "
                    + cause, cause);
        } catch (TimeoutException e) {
            throw unreachable(bootstrap, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException("interrupted while checking the topics on " + bootstrap, e);
        }
    }

    /** The entries of {@code user} that the admin client knows. */
    private static Map<String, Object> adminSettings(Map<String, String> user) {
        Map<String, Object> props = new HashMap<>();
        Set<String> adminKeys = AdminClientConfig.configNames();
        user.forEach((k, v) -> {
            if (adminKeys.contains(k)) {
                props.put(k, v);
            }
        });
        return props;
    }

    /**
     * Whether one admin client checks the topics of both streams: the same servers and the same admin
     * settings (security and the rest) but the check's wait, which {@link #checkTopics} sets itself
     * ({@link #bothWaits} gives the longer). A bolt reading and writing one cluster then starts one admin
     * client, not two (each costs its connection, metadata round trips and threads before the first record).
     */
    static boolean sameAdmin(String bootstrap, Map<String, String> user, String otherBootstrap,
                             Map<String, String> otherUser) {
        return bootstrap.equals(otherBootstrap) && withoutWaits(user).equals(withoutWaits(otherUser));
    }

    private static Map<String, Object> withoutWaits(Map<String, String> user) {
        Map<String, Object> props = adminSettings(user);
        props.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        props.remove(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG);
        return props;
    }

    /** {@code user} with the longer of its and {@code other}'s waits for the up-front checks. */
    static Map<String, String> bothWaits(Map<String, String> user, Map<String, String> other) {
        Map<String, String> props = new HashMap<>(user);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(Math.max(checkTimeoutMs(user), checkTimeoutMs(other))));
        return props;
    }

    /**
     * The {@code max.message.bytes} of {@code topics} but {@code except}; those the client may not
     * read (no DescribeConfigs permission) are left out.
     */
    private static Map<String, Integer> maxMessageBytes(Admin admin, Set<String> topics, String except, long deadline)
            throws InterruptedException, TimeoutException {
        List<ConfigResource> resources = new ArrayList<>();
        for (String topic : topics) {
            if (!topic.equals(except)) {
                resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
            }
        }
        Map<String, Integer> limits = new HashMap<>();
        for (Map.Entry<ConfigResource, KafkaFuture<Config>> e : admin.describeConfigs(resources).values().entrySet()) {
            try {
                ConfigEntry entry = await(e.getValue(), deadline).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null) {
                    limits.put(e.getKey().name(), Integer.parseInt(entry.value()));
                }
            } catch (ExecutionException | NumberFormatException unreadable) {
                LOG.debug("cannot read max.message.bytes of topic '{}': {}", e.getKey().name(), unreadable.toString());
            }
        }
        return limits;
    }

    /** Creates {@code topic}; false if another client created it first (its settings are then unknown). */
    private static boolean create(Admin admin, String topic, int maxMessageBytes, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            await(admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes))))).all(),
                    deadline);
            LOG.info("created the dead-letter topic '{}' for records of up to {} bytes", topic, maxMessageBytes);
            return true;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            return false;
        }
    }

    /**
     * Describes {@code topic} again until it is found or {@link #TOPIC_GRACE_MS} (at most until
     * {@code deadline}) has passed. A topic's creation returns once the controller has committed it,
     * before every broker has applied it to the metadata it answers clients with: a topic created
     * just before the task starts (a script, a test) may be unknown to the first describe.
     */
    private static boolean appears(Admin admin, String topic, String bootstrap, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        LOG.info("topic '{}' not found on the Kafka cluster at {}; a topic created moments ago may not be visible yet: "
                + "checking again for up to {} s", topic, bootstrap, TOPIC_GRACE_MS / 1000);
        long until = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TOPIC_GRACE_MS));
        while (until - System.nanoTime() > 0) {
            Thread.sleep(TOPIC_RECHECK_MS);
            try {
                await(admin.describeTopics(List.of(topic)).topicNameValues().get(topic), deadline);
                return true;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return false;
    }

    private static <T> T await(KafkaFuture<T> future, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private static TaskFailedException unreachable(String bootstrap, long timeoutMs, Throwable cause) {
        return new TaskFailedException("the Kafka brokers at " + bootstrap + " did not answer within "
                + timeoutMs / 1000.0 + " s; check bootstrapServers, that the brokers run, the network, and that the "
                + "security properties (security.protocol, sasl.*, ssl.*) match the brokers' listener "
                + "(properties.default.api.timeout.ms sets this wait)", cause);
    }
}
