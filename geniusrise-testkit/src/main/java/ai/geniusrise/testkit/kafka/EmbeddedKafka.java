package ai.geniusrise.testkit.kafka;

import ai.geniusrise.testkit.EmbeddedServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka cluster (KRaft: broker and controller in one) running inside this JVM,
 * from the Kafka server artifacts on the classpath. Starts in about two seconds; listens on
 * {@code localhost} only. {@link #stop()} and {@link #start()} again keep its data and port, so
 * tests can restart the broker under a running client.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
 *     kafka.createTopic("clicks", 4);
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * Not thread-safe: start and stop it from one thread.
 */
public final class EmbeddedKafka extends EmbeddedServer {

    private final Path logDir;
    private final boolean deleteOnClose;
    private final int controllerPort;
    private final Properties overrides;
    private final String clusterId;
    private boolean formatted;
    private KafkaRaftServer server;

    private EmbeddedKafka(Builder b) {
        super(b.port);
        try {
            this.logDir = b.logDir != null ? Files.createDirectories(b.logDir)
                    : Files.createTempDirectory("geniusrise-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's log folder", e);
        }
        this.deleteOnClose = b.logDir == null;
        this.clusterId = existingClusterId(logDir);
        this.controllerPort = freePort();
        this.overrides = new Properties();
        this.overrides.putAll(b.overrides);
    }

    /** A builder; by default a temporary log folder, free ports and topic auto-creation on. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker (formatting its storage the first time) and waits until it serves.
     *
     * @return this
     */
    @Override
    public EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        Properties props = properties();
        if (!formatted) {
            format(props);
            formatted = true;
        }
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        awaitReady();
        return this;
    }

    /** Stops the broker cleanly, keeping its data; {@link #start()} brings it back on the same port. */
    @Override
    public void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** True between {@link #start()} and {@link #stop()}. */
    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** {@code localhost:<port>}, for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "localhost:" + port();
    }

    /** Creates a topic, or does nothing if it exists. */
    public void createTopic(String topic, int partitions) {
        createTopic(bootstrapServers(), topic, partitions);
    }

    /**
     * Creates a topic on the cluster at {@code bootstrapServers} with its default replication
     * factor, or does nothing if it exists; returns once a client describing it finds it (a
     * creation returns before the brokers answer clients with the new topic).
     *
     * @throws IllegalStateException if the cluster refuses or does not answer within 30 s
     */
    public static void createTopic(String bootstrapServers, String topic, int partitions) {
        try (Admin admin = admin(bootstrapServers)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                        .all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
                }
            }
            // the creation returns once the controller committed it, before the broker answers clients with it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw new IllegalStateException("topic " + topic + " created but not visible: " + e.getCause(),
                                e.getCause());
                    }
                    Thread.sleep(20);
                }
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + e, e);
        }
    }

    /** An admin client on this broker; close it after use. */
    public Admin admin() {
        return admin(bootstrapServers());
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /** {@link #read(String, String, int, Duration)} on this broker, waiting up to 30 s. */
    public List<ConsumerRecord<String, String>> read(String topic, int expected) {
        return read(bootstrapServers(), topic, expected, Duration.ofSeconds(30));
    }

    /**
     * Reads {@code topic} from the beginning as a {@code read_committed} consumer would, until
     * {@code expected} records have arrived or {@code timeout} has passed, and returns what came
     * (possibly fewer or more than expected, for the caller to check). Keys and values are read
     * as UTF-8 text. Works against any cluster, such as the one a local-mode run started.
     */
    public static List<ConsumerRecord<String, String>> read(String bootstrapServers, String topic, int expected,
                                                            Duration timeout) {
        return read(bootstrapServers, topic, expected, timeout, new StringDeserializer());
    }

    /**
     * {@link #read(String, String, int, Duration)} with keys and values as bytes, as they are on the
     * topic: for values in a binary format such as a schema registry's wire format.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readBytes(String bootstrapServers, String topic, int expected,
                                                                 Duration timeout) {
        return read(bootstrapServers, topic, expected, timeout, new ByteArrayDeserializer());
    }

    private static <T> List<ConsumerRecord<T, T>> read(String bootstrapServers, String topic, int expected,
                                                       Duration timeout, Deserializer<T> deserializer) {
        List<ConsumerRecord<T, T>> out = new ArrayList<>();
        try (KafkaConsumer<T, T> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "geniusrise-testkit-read-" + Uuid.randomUuid(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                deserializer, deserializer)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** The log folder when it is a temporary one, deleted with its data by {@link #close()}. */
    @Override
    protected Path temporaryFolder() {
        return deleteOnClose ? logDir : null;
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + port() + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + port());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.putAll(overrides);
        return p;
    }

    private void format(Properties props) {
        Path config = logDir.resolveSibling(logDir.getFileName() + ".properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "geniusrise embedded kafka");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker's configuration", e);
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int code = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString(),
                "--ignore-formatted"}, new PrintStream(log, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("formatting the broker's storage failed: " + log.toString(StandardCharsets.UTF_8));
        }
    }

    /** The cluster id a folder was formatted with, so that a broker restarted on it keeps its data; else a new one. */
    private static String existingClusterId(Path logDir) {
        Path meta = logDir.resolve("meta.properties");
        if (Files.isRegularFile(meta)) {
            Properties p = new Properties();
            try (var in = Files.newInputStream(meta)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the broker's " + meta, e);
            }
            String id = p.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id;
            }
        }
        return Uuid.randomUuid().toString();
    }

    private void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not come up: " + e, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Builds an {@link EmbeddedKafka}. */
    public static final class Builder {
        private Path logDir;
        private int port;
        private final Properties overrides = new Properties();

        private Builder() {
        }

        /** Keep the broker's data in this folder (kept on close); default a temporary folder (deleted on close). */
        public Builder logDir(Path value) {
            this.logDir = value;
            return this;
        }

        /** Listen on this port; default a free one. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** A broker setting, such as {@code auto.create.topics.enable=false}. */
        public Builder property(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** The broker, not started. */
        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }
    }
}
