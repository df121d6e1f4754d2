package ai.geniusrise.cli;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.state.FileStateManager;
import ai.geniusrise.io.s3.S3BatchStorage;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import ai.geniusrise.testkit.schemaregistry.EmbeddedSchemaRegistry;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The local mode of {@code geniusrise run PIPELINE.yaml}: when the pipeline's streaming tasks
 * name no Kafka brokers (none in their configs, none in {@code KAFKA_BOOTSTRAP_SERVERS}), starts
 * the test kit's {@link EmbeddedKafka} and points them at it, creating the topics they name; when
 * an {@code s3://} location has no {@code endpoint} option, starts an {@link EmbeddedS3} and
 * points those configs at it, creating the buckets they name; when a Kafka input or output has a
 * {@code keyFormat} or {@code valueFormat} and its {@code schemaRegistry} names no URL (nor does
 * {@code SCHEMA_REGISTRY_URL}), starts an {@link EmbeddedSchemaRegistry} and points them at it.
 * All keep their data under
 * {@code .geniusrise/} beside the pipeline file, so a second run resumes; so does the state of
 * tasks with {@code stateConfig: {type: memory}}, which local mode keeps in
 * {@code .geniusrise/state} (a {@link FileStateManager}). It works by rewriting
 * the task specs' configs only: the tasks then run through the same adapters as in production.
 * {@link #close()} stops what it started.
 *
 * <p>Only the whole-pipeline run uses it; {@code --task NAME}, what a container runs, never does.
 */
final class LocalMode implements AutoCloseable {

    static final String ENV_BOOTSTRAP = "KAFKA_BOOTSTRAP_SERVERS";
    static final String ENV_REGISTRY = "SCHEMA_REGISTRY_URL";

    private final List<TaskSpec> tasks;
    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final Path s3Folder;
    private final EmbeddedSchemaRegistry registry;

    private LocalMode(List<TaskSpec> tasks, EmbeddedKafka kafka, EmbeddedS3 s3, Path s3Folder,
                      EmbeddedSchemaRegistry registry) {
        this.tasks = tasks;
        this.kafka = kafka;
        this.s3 = s3;
        this.s3Folder = s3Folder;
        this.registry = registry;
    }

    /**
     * Starts what {@code tasks} lack and returns them rewritten to use it, printing one line per
     * server started to {@code out}.
     *
     * @param dataRoot the {@code .geniusrise} folder the servers keep their data in
     * @param env      the environment, for {@code KAFKA_BOOTSTRAP_SERVERS} and {@code SCHEMA_REGISTRY_URL}
     */
    static LocalMode start(List<TaskSpec> tasks, Path dataRoot, Map<String, String> env, PrintWriter out) {
        String envServers = env.get(ENV_BOOTSTRAP);
        boolean needsKafka = (envServers == null || envServers.isBlank()) && tasks.stream().anyMatch(LocalMode::lacksKafka);
        boolean needsS3 = tasks.stream().anyMatch(LocalMode::lacksS3);
        boolean needsRegistry = blank(env.get(ENV_REGISTRY)) && tasks.stream().anyMatch(LocalMode::lacksRegistry);
        EmbeddedKafka kafka = null;
        EmbeddedS3 s3 = null;
        EmbeddedSchemaRegistry registry = null;
        try {
            if (needsKafka) {
                Path folder = dataRoot.resolve("kafka");
                kafka = EmbeddedKafka.builder().logDir(folder).build().start();
                out.println("local mode: Kafka at " + kafka.bootstrapServers() + " (data in " + folder + ")");
                out.flush();
            }
            if (needsS3) {
                Path folder = dataRoot.resolve("s3");
                s3 = EmbeddedS3.builder().dataDir(folder).build().start();
                out.println("local mode: S3 at " + s3.endpoint() + " (data in " + folder + ", access key "
                        + s3.accessKeyId() + ")");
                out.flush();
            }
            if (needsRegistry) {
                Path folder = dataRoot.resolve("schema-registry");
                registry = EmbeddedSchemaRegistry.builder().dataDir(folder).build().start();
                out.println("local mode: schema registry at " + registry.url() + " (schemas in " + folder + ")");
                out.flush();
            }
            List<TaskSpec> rewritten = new ArrayList<>();
            StateConfig keptState = new StateConfig("file", Map.of(FileStateManager.Provider.PATH.name(),
                    dataRoot.resolve("state").toString()));
            for (TaskSpec spec : tasks) {
                TaskSpec local = withRegistry(rewrite(spec, kafka, s3), registry);
                rewritten.add(isMemory(local) ? local.toBuilder().state(keptState).build() : local);
            }
            if (tasks.stream().anyMatch(LocalMode::isMemory)) {
                out.println("local mode: state of tasks with stateConfig {type: memory} kept in "
                        + dataRoot.resolve("state") + " (delete it to start afresh)");
                out.flush();
            }
            if (kafka != null) {
                for (String topic : topics(rewritten, kafka.bootstrapServers())) {
                    kafka.createTopic(topic, 1);
                }
            }
            if (s3 != null) {
                for (String bucket : buckets(rewritten, s3.endpoint())) {
                    createBucket(s3, bucket);
                }
            }
            return new LocalMode(List.copyOf(rewritten), kafka, s3, dataRoot.resolve("s3"), registry);
        } catch (RuntimeException e) {
            stopAll(kafka, s3, registry, e);
            throw e;
        }
    }

    /** The tasks, their configs pointing at what this local mode started. */
    List<TaskSpec> tasks() {
        return tasks;
    }

    /**
     * Where a person finds what {@code spec} (one of {@link #tasks()}) writes, when it goes to a
     * server this local mode started: the folder the embedded S3 store keeps an {@code s3://}
     * output in, or the topic and the embedded broker; null otherwise.
     */
    String whereIs(TaskSpec spec) {
        if (s3 != null && spec.output() instanceof BatchOutputConfig o && "s3".equals(o.scheme())
                && isAt(o.options(), s3.endpoint())) {
            // the bucket's folder, down to the first date-time field of the prefix (formatted per run)
            String bucketAndKey = o.destination().substring("s3://".length());
            int field = bucketAndKey.indexOf('{');
            if (field >= 0) {
                bucketAndKey = bucketAndKey.substring(0, Math.max(0, bucketAndKey.lastIndexOf('/', field)));
            }
            Path folder = s3Folder.resolve(bucketAndKey).toAbsolutePath();
            Path here = Path.of("").toAbsolutePath();
            return "on disk: " + (folder.startsWith(here) ? here.relativize(folder) : folder);
        }
        if (kafka != null && spec.output() instanceof StreamingOutputConfig o
                && kafka.bootstrapServers().equals(o.bootstrapServers())) {
            return "on the local Kafka at " + kafka.bootstrapServers();
        }
        return null;
    }

    /** True when this run started anything. */
    boolean startedAnything() {
        return kafka != null || s3 != null || registry != null;
    }

    /** Stops the servers started, keeping their data. */
    @Override
    public void close() {
        stopAll(kafka, s3, registry, null);
    }

    private static void stopAll(EmbeddedKafka kafka, EmbeddedS3 s3, EmbeddedSchemaRegistry registry,
                                RuntimeException pending) {
        RuntimeException failure = pending;
        if (registry != null) {
            failure = attempt(failure, registry::close);
        }
        if (s3 != null) {
            failure = attempt(failure, s3::close);
        }
        if (kafka != null) {
            failure = attempt(failure, () -> closeQuietly(kafka));
        }
        if (failure != null && failure != pending) {
            throw failure;
        }
    }

    /**
     * Stops the broker without the warning its own shutdown logs in KRaft combined mode (the
     * controller's registration channel closes its network client twice): "[WARN]
     * [NodeToControllerChannelManager id=1 name=registration] Attempting to close NetworkClient that
     * has already been closed." It says nothing to a user, and silencing its logger for the whole run
     * would hide the client warnings that do (a broker that cannot be reached), so only that line is
     * left out, and only while the broker stops, when the tasks have ended.
     */
    private static void closeQuietly(EmbeddedKafka kafka) {
        PrintStream err = System.err;
        PrintStream filtered = new PrintStream(new LineFilter(err, line -> !line.contains(DOUBLE_CLOSE)), true,
                Charset.defaultCharset());
        System.setErr(filtered);
        try {
            kafka.close();
        } finally {
            System.setErr(err);
            filtered.close(); // passes on what is left of a last line without its break
        }
    }

    static final String DOUBLE_CLOSE = "Attempting to close NetworkClient that has already been closed";

    /** Passes whole lines that {@code keep} accepts on to {@code target}. */
    private static final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final Predicate<String> keep;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineFilter(PrintStream target, Predicate<String> keep) {
            this.target = target;
            this.keep = keep;
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                flushLine();
            }
        }

        @Override
        public synchronized void flush() {
            target.flush();
        }

        @Override
        public synchronized void close() {
            flushLine();
            target.flush();
        }

        private void flushLine() {
            if (line.size() > 0 && keep.test(line.toString(Charset.defaultCharset()))) {
                target.write(line.toByteArray(), 0, line.size());
            }
            line.reset();
        }
    }

    private static RuntimeException attempt(RuntimeException failure, Runnable action) {
        try {
            action.run();
            return failure;
        } catch (RuntimeException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    /**
     * A task whose state is in memory: in local mode it is kept in {@code .geniusrise/state}
     * instead, so that a second run remembers what the first did, as it would with a durable
     * state in production.
     */
    private static boolean isMemory(TaskSpec spec) {
        return "memory".equals(spec.state().type());
    }

    /** A bolt's streaming input, or any streaming output, with no brokers of its own. */
    static boolean lacksKafka(TaskSpec spec) {
        boolean input = spec.kind() == TaskSpec.Kind.BOLT && spec.input() instanceof StreamingInputConfig in
                && blank(in.bootstrapServers());
        boolean output = spec.output() instanceof StreamingOutputConfig o && blank(o.bootstrapServers());
        return input || output;
    }

    /** A bolt's Kafka input, or any Kafka output, with a key or value format and no registry URL. */
    static boolean lacksRegistry(TaskSpec spec) {
        boolean input = spec.kind() == TaskSpec.Kind.BOLT && spec.input() instanceof StreamingInputConfig in
                && in.schemaRegistry() != null && in.schemaRegistry().url() == null;
        boolean output = spec.output() instanceof StreamingOutputConfig o && o.schemaRegistry() != null
                && o.schemaRegistry().url() == null;
        return input || output;
    }

    /** {@code spec} with the configs that {@link #lacksRegistry lack a registry} pointed at {@code registry}. */
    private static TaskSpec withRegistry(TaskSpec spec, EmbeddedSchemaRegistry registry) {
        if (registry == null || !lacksRegistry(spec)) {
            return spec;
        }
        InputConfig input = spec.input();
        OutputConfig output = spec.output();
        if (spec.kind() == TaskSpec.Kind.BOLT && input instanceof StreamingInputConfig in
                && in.schemaRegistry() != null && in.schemaRegistry().url() == null) {
            input = in.toBuilder().schemaRegistry(in.schemaRegistry().withUrl(registry.url())).build();
        }
        if (output instanceof StreamingOutputConfig o && o.schemaRegistry() != null
                && o.schemaRegistry().url() == null) {
            output = o.toBuilder().schemaRegistry(o.schemaRegistry().withUrl(registry.url())).build();
        }
        return spec.toBuilder().input(input).output(output).build();
    }

    /** A bolt's {@code s3://} batch input, or any {@code s3://} batch output, with no endpoint option. */
    static boolean lacksS3(TaskSpec spec) {
        boolean input = spec.kind() == TaskSpec.Kind.BOLT && spec.input() instanceof BatchInputConfig in
                && "s3".equals(in.scheme()) && S3BatchStorage.endpoint(in.options()).isEmpty();
        boolean output = spec.output() instanceof BatchOutputConfig o && "s3".equals(o.scheme())
                && S3BatchStorage.endpoint(o.options()).isEmpty();
        return input || output;
    }

    private static TaskSpec rewrite(TaskSpec spec, EmbeddedKafka kafka, EmbeddedS3 s3) {
        InputConfig input = spec.input();
        OutputConfig output = spec.output();
        boolean bolt = spec.kind() == TaskSpec.Kind.BOLT;
        if (kafka != null && bolt && input instanceof StreamingInputConfig in && blank(in.bootstrapServers())) {
            input = in.toBuilder().bootstrapServers(kafka.bootstrapServers()).build();
        }
        if (kafka != null && output instanceof StreamingOutputConfig o && blank(o.bootstrapServers())) {
            output = o.toBuilder().bootstrapServers(kafka.bootstrapServers()).build();
        }
        if (s3 != null && bolt && input instanceof BatchInputConfig in && "s3".equals(in.scheme())
                && S3BatchStorage.endpoint(in.options()).isEmpty()) {
            input = in.toBuilder().options(withStore(in.options(), s3)).build();
        }
        if (s3 != null && output instanceof BatchOutputConfig o && "s3".equals(o.scheme())
                && S3BatchStorage.endpoint(o.options()).isEmpty()) {
            output = o.toBuilder().options(withStore(o.options(), s3)).build();
        }
        if (input == spec.input() && output == spec.output()) {
            return spec;
        }
        return spec.toBuilder().input(input).output(output).build();
    }

    private static Map<String, String> withStore(Map<String, String> options, EmbeddedS3 s3) {
        return S3BatchStorage.atEndpoint(options, s3.endpoint(), s3.region(), s3.accessKeyId(), s3.secretAccessKey());
    }

    /** True when {@code options} point at the store at {@code endpoint}. */
    private static boolean isAt(Map<String, String> options, String endpoint) {
        return S3BatchStorage.endpoint(options).filter(endpoint::equals).isPresent();
    }

    /** The topics the tasks read or write on {@code servers}. */
    private static Set<String> topics(List<TaskSpec> tasks, String servers) {
        Set<String> topics = new LinkedHashSet<>();
        for (TaskSpec spec : tasks) {
            if (spec.kind() == TaskSpec.Kind.BOLT && spec.input() instanceof StreamingInputConfig in
                    && servers.equals(in.bootstrapServers())) {
                topics.add(in.topic());
            }
            if (spec.output() instanceof StreamingOutputConfig o && servers.equals(o.bootstrapServers())) {
                topics.add(o.topic());
            }
        }
        return topics;
    }

    /** The buckets of the tasks' locations on {@code endpoint}. */
    private static Set<String> buckets(List<TaskSpec> tasks, String endpoint) {
        Set<String> buckets = new LinkedHashSet<>();
        for (TaskSpec spec : tasks) {
            if (spec.kind() == TaskSpec.Kind.BOLT && spec.input() instanceof BatchInputConfig in
                    && isAt(in.options(), endpoint) && "s3".equals(in.scheme())) {
                buckets.add(bucketOf(in.source()));
            }
            if (spec.output() instanceof BatchOutputConfig o && isAt(o.options(), endpoint)
                    && "s3".equals(o.scheme())) {
                buckets.add(bucketOf(o.destination()));
            }
        }
        return buckets;
    }

    /** The bucket of {@code s3://bucket/prefix}; the prefix may hold date-time fields, which are no URI. */
    private static String bucketOf(String location) {
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private static void createBucket(EmbeddedS3 s3, String bucket) {
        try {
            s3.client().headBucket(r -> r.bucket(bucket));
        } catch (NoSuchBucketException absent) {
            s3.client().createBucket(r -> r.bucket(bucket));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
