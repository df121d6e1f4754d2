package ai.geniusrise.core.runtime;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Task;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.TaskHandle;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.spi.FixedTaskContext;
import ai.geniusrise.core.spi.StreamingEngine;
import ai.geniusrise.core.state.StateManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one task: instantiates its class, opens its state manager, binds its input and output
 * configs to the adapters found on the classpath, drives it, and closes everything, also on
 * failure. The same runner serves {@code geniusrise run}, a container's {@code main} and tests.
 *
 * <pre>{@code
 * RunSummary done = TaskRunner.builder(spec).pipelineName("clicks").build().run();
 * }</pre>
 *
 * <p>Batch runs commit their output atomically when they finish; a run that fails or is
 * stopped commits nothing. Streaming tasks (a spout writing a stream, or a bolt reading one,
 * whatever it writes) run on the {@link StreamingEngine} that serves their configs until stopped; on stop
 * they flush, commit what they consumed and return normally. A bolt reading a batch input and
 * writing a stream (S3 to Kafka) runs once, like a batch task, its records sent through the
 * engine and each object remembered in the task's state once they are acknowledged.
 * {@link #requestStop()} may be called from any thread (the shutdown hook installed by
 * {@link Builder#handleSignals(Duration)} calls it on SIGTERM).
 *
 * <p>Date-time fields in braces in a batch source or destination ({@code dt={yyyy-MM-dd}}) are
 * formatted for the run's {@linkplain Builder#logicalTime(Instant) logical time}.
 */
public final class TaskRunner {

    /** Environment variable holding the logical time of a run (ISO-8601), e.g. {@code 2024-05-01T10:00:00Z}. */
    public static final String LOGICAL_TIME_ENV = "GENIUSRISE_LOGICAL_TIME";

    /**
     * Environment variable that turns on the lag metric of a streaming task: its value is the
     * interval ({@code 60s}) at which the task writes the lag of its assigned partitions to standard
     * output as a CloudWatch Embedded Metric Format line (what {@code deploy.autoscale} on ECS
     * scales on; see {@link Builder#lagMetric}).
     */
    public static final String LAG_METRIC_ENV = "GENIUSRISE_LAG_METRIC";
    /** The CloudWatch namespace of the lag metric. */
    public static final String LAG_METRIC_NAMESPACE = "Geniusrise";
    /** The name of the lag metric; its dimensions are {@code Pipeline} and {@code Task}. */
    public static final String LAG_METRIC_NAME = "ConsumerLag";

    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final TaskSpec spec;
    private final String pipelineName;
    private final Task instance;
    private final ClassLoader classLoader;
    private final int httpPort;
    private final String runId;
    private final Shard shard;
    private final Duration shutdownTimeout;
    private final Instant logicalTime;
    private final Consumer<RunSummary> onFinished;
    private final Consumer<RuntimeException> onFailed;
    private final Duration lagMetricEvery;
    private final Consumer<String> lagMetricLines;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile boolean ready;
    private volatile HealthServer health;
    private volatile TaskMetrics metrics;

    private TaskRunner(Builder b) {
        this.logicalTime = b.logicalTime != null ? b.logicalTime
                : logicalTimeFromEnvironment(System.getenv(), Instant.now());
        this.spec = atLogicalTime(b.spec, logicalTime);
        this.pipelineName = b.pipelineName;
        this.instance = b.instance;
        this.classLoader = b.classLoader;
        this.httpPort = b.httpPort;
        this.runId = b.runId;
        this.shard = b.shard;
        this.shutdownTimeout = b.shutdownTimeout;
        this.onFinished = b.onFinished;
        this.onFailed = b.onFailed;
        if (b.lagMetricEvery != null) {
            this.lagMetricEvery = b.lagMetricEvery;
            this.lagMetricLines = b.lagMetricLines;
        } else {
            String every = System.getenv(LAG_METRIC_ENV);
            try {
                this.lagMetricEvery = every == null || every.isBlank() ? null
                        : ai.geniusrise.core.settings.Quantities.positiveDuration(every.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(LAG_METRIC_ENV, e.getMessage(), e);
            }
            this.lagMetricLines = System.out::println;
        }
    }

    /** A builder for running {@code spec}. */
    public static Builder builder(TaskSpec spec) {
        return new Builder(spec);
    }

    /**
     * The logical time {@code GENIUSRISE_LOGICAL_TIME} names in {@code env}, or {@code otherwise}
     * when it is unset.
     *
     * @throws ConfigException naming the variable when its value is not an ISO-8601 instant
     */
    public static Instant logicalTimeFromEnvironment(Map<String, String> env, Instant otherwise) {
        String text = env.get(LOGICAL_TIME_ENV);
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            return parseLogicalTime(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(LOGICAL_TIME_ENV, e.getMessage(), e);
        }
    }

    /**
     * A logical time as written on a command line or in {@value #LOGICAL_TIME_ENV}: ISO-8601 with
     * an offset, {@code 2024-05-01T10:00:00Z} or {@code 2024-05-01T12:00+02:00}.
     *
     * @throws IllegalArgumentException saying what was expected, when {@code text} is not such a time
     */
    static Instant parseLogicalTime(String text) {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected an ISO-8601 time such as 2024-05-01T10:00:00Z, got '" + text
                    + "'", e);
        }
    }

    private static TaskSpec atLogicalTime(TaskSpec spec, Instant time) {
        InputConfig in = spec.input() instanceof BatchInputConfig b ? b.at(time) : spec.input();
        OutputConfig out = spec.output() instanceof BatchOutputConfig b ? b.at(time) : spec.output();
        return in == spec.input() && out == spec.output() ? spec : spec.toBuilder().input(in).output(out).build();
    }

    /**
     * Runs the task to its end: for a batch task, one run; for a streaming task, until
     * {@link #requestStop()}. Returns what it did.
     *
     * @throws ConfigException     if the spec cannot be bound (class, adapters, state backend), located in the
     *                             pipeline file when the spec came from one
     * @throws TaskFailedException if the task failed while running; nothing of a failed batch run is visible
     */
    public RunSummary run() {
        Thread hook = shutdownTimeout == null ? null : new Thread(this::stopAndWait, "geniusrise-shutdown");
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            RunSummary summary = runOnce();
            if (onFinished != null) {
                // before the latch below lets a SIGTERM's hook, and with it the JVM, end
                onFinished.accept(summary);
            }
            return summary;
        } catch (RuntimeException e) {
            if (onFailed != null) {
                // on SIGTERM the JVM may exit as soon as the latch below is counted down: say why now
                onFailed.accept(e);
            }
            throw e;
        } finally {
            finished.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it waits for the latch counted down above
                }
            }
        }
    }

    private RunSummary runOnce() {
        TaskHandle task = TaskHandle.of(instance != null ? spec.checkKind(instance)
                : spec.newTask(classLoader, List.of()));
        MeterRegistry registry = httpPort >= 0 ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
                : new SimpleMeterRegistry();
        registry.config().commonTags(Tags.of("pipeline", pipelineName, "task", spec.name()));
        StateManager backend;
        try {
            backend = StateManager.open(spec.state());
        } catch (ConfigException e) {
            throw spec.locate(e.locatedAt(null, 0, 0, e.path() == null ? "config.stateConfig" : "config." + e.path()));
        }
        try (backend) {
            TaskContext context = new FixedTaskContext(pipelineName, spec.name(), spec.args(),
                    backend.namespaced(pipelineName + "/" + spec.name() + "/"), registry,
                    LoggerFactory.getLogger("geniusrise.task." + spec.name()), Clock.systemUTC(), spec.input(),
                    spec.output(), () -> stopRequested);
            if (httpPort >= 0) {
                try {
                    health = startHealth((PrometheusMeterRegistry) registry);
                } catch (ConfigException e) {
                    throw spec.locate(e);
                }
            }
            try {
                task.open(context);
            } catch (ConfigException e) {
                throw spec.locate(e);
            } catch (Exception e) {
                throw new TaskFailedException("task '" + spec.name() + "' failed to open: " + Failures.describe(e), e);
            }
            try {
                TaskMetrics taskMetrics = new TaskMetrics(registry);
                metrics = taskMetrics;
                if (lagMetricEvery == null || !spec.streaming()) {
                    return dispatch(task, context, taskMetrics);
                }
                try (LagMetricLog lag = new LagMetricLog(pipelineName, spec.name(), lagMetricEvery,
                        taskMetrics::inputLag, lagMetricLines, Clock.systemUTC())) {
                    return dispatch(task, context, taskMetrics);
                }
            } catch (ConfigException e) {
                // an adapter's setting found wrong once the run binds it: say which task it is in
                throw e.file() != null || e.path() != null && e.path().startsWith("task '" + spec.name() + "'") ? e
                        : spec.locate(e);
            } finally {
                ready = false;
                closeTask(task);
            }
        } finally {
            if (health != null) {
                health.close();
            }
            registry.close();
        }
    }

    private RunSummary dispatch(TaskHandle task, TaskContext context, TaskMetrics metrics) {
        // a bolt reading a stream runs on the streaming engine whatever it writes (Kafka to S3 included); a
        // spout does when it writes a stream, whose acknowledgements it may wait for
        if (task.isSpout() ? spec.output() instanceof StreamingOutputConfig : spec.streaming()) {
            StreamingEngine engine;
            try {
                engine = StreamingEngine.forConfigs(spec.input(), spec.output(), task.isSpout());
            } catch (ConfigException e) {
                throw spec.locate(e);
            }
            LOG.info("task '{}': streaming on {} ({}) to {}", spec.name(), engine.name(),
                    spec.guarantee().yamlName(), spec.output().destination());
            // ready once the engine has opened its clients and checked its topics, not before
            return new StreamingRun(task, context, spec, metrics, () -> stopRequested, () -> ready = true).run(engine);
        }
        if (!(spec.output() instanceof BatchOutputConfig out)) {
            // a bolt reading a batch input and writing a stream (S3 to Kafka): a batch run feeding the engine
            return new BatchToStreamRun(task, context, spec, metrics, () -> stopRequested,
                    shard != null ? shard : Shard.fromEnvironment(System.getenv()), logicalTime, () -> ready = true).run();
        }
        BatchRun batch = new BatchRun(task, context, spec, metrics, () -> stopRequested, runId,
                shard != null ? shard : Shard.fromEnvironment(System.getenv()), logicalTime);
        ready = true;
        if (task.isSpout()) {
            return batch.spout(out);
        }
        return batch.bolt((BatchInputConfig) spec.input(), out);
    }

    private HealthServer startHealth(PrometheusMeterRegistry registry) {
        try {
            HealthServer server = new HealthServer(httpPort, registry, () -> ready);
            LOG.info("task '{}': health and metrics on http://0.0.0.0:{}/ (healthz, readyz, metrics)", spec.name(),
                    server.port());
            return server;
        } catch (IOException e) {
            throw new ConfigException("httpPort", "cannot listen on port " + httpPort + ": " + e.getMessage(), e);
        }
    }

    private void closeTask(TaskHandle task) {
        try {
            task.close();
        } catch (Exception e) {
            LOG.warn("task '{}': close() failed: {}", spec.name(), Failures.describe(e));
        }
    }

    /**
     * Asks the task to stop: a batch run stops reading and commits nothing; a streaming task
     * drains, flushes, commits what it consumed and returns.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Records the task has read, written, skipped or dead-lettered so far, as its workers publish
     * them (every few thousand records, at the end of each batch object and at each streaming
     * commit); 0 before it starts. A run's progress, for watching it from another thread.
     */
    public long recordsSoFar() {
        TaskMetrics m = metrics;
        return m == null ? 0 : m.inTotal() + m.outTotal() + m.skippedTotal() + m.deadLetteredTotal();
    }

    /**
     * What the task has done so far: a snapshot for progress displays, safe to take from any
     * thread at any time (see {@link TaskProgress} for how fresh its counts are).
     */
    public TaskProgress progress() {
        TaskMetrics m = metrics;
        TaskProgress.Phase phase = finished.getCount() == 0 ? TaskProgress.Phase.FINISHED
                : m == null ? TaskProgress.Phase.WAITING : TaskProgress.Phase.RUNNING;
        boolean spout = spec.kind() == TaskSpec.Kind.SPOUT;
        boolean streaming = spec.streaming();
        if (m == null) {
            return new TaskProgress(spec.name(), spout, streaming, phase, 0, 0, 0, 0, 0, -1, -1);
        }
        boolean running = phase == TaskProgress.Phase.RUNNING;
        return new TaskProgress(spec.name(), spout, streaming, phase, m.inTotal(), m.outTotal(), m.skippedTotal(),
                m.deadLetteredTotal(), m.objectsDone(), m.objectsTotal(), running ? m.inputLag() : -1,
                running ? m.inProcess() : -1, running ? m.waiting() : -1);
    }

    /**
     * True while the task runs with its input and output open (what {@code /readyz} reports): a
     * streaming task from the moment its engine has opened its clients and checked its topics, a batch
     * task once it is open; false before, and once the run has ended, failed or not.
     */
    public boolean isReady() {
        return ready;
    }

    /** The port {@code /healthz} and {@code /metrics} are served on, or -1 when off or not started. */
    public int httpPort() {
        HealthServer h = health;
        return h == null ? -1 : h.port();
    }

    private void stopAndWait() {
        requestStop();
        try {
            if (!finished.await(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("task '{}' did not stop within {}; exiting anyway", spec.name(), shutdownTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds a {@link TaskRunner}. */
    public static final class Builder {
        private final TaskSpec spec;
        private String pipelineName = "default";
        private Task instance;
        private ClassLoader classLoader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : TaskRunner.class.getClassLoader();
        private int httpPort = -1;
        private String runId;
        private Shard shard;
        private Duration shutdownTimeout;
        private Instant logicalTime;
        private Consumer<RunSummary> onFinished;
        private Consumer<RuntimeException> onFailed;
        private Duration lagMetricEvery;
        private Consumer<String> lagMetricLines;

        private Builder(TaskSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** The pipeline's name: namespaces state and tags metrics. Default {@code default}. */
        public Builder pipelineName(String value) {
            this.pipelineName = Objects.requireNonNull(value, "pipelineName");
            return this;
        }

        /** Runs this instance instead of instantiating {@link TaskSpec#className()}. */
        public Builder task(Task value) {
            this.instance = Objects.requireNonNull(value, "task");
            return this;
        }

        /** Where the task class is loaded from; default the thread's context class loader. */
        public Builder classLoader(ClassLoader value) {
            this.classLoader = Objects.requireNonNull(value, "classLoader");
            return this;
        }

        /** Serves {@code /healthz}, {@code /readyz} and {@code /metrics} on this port (0: any free port). Off by default. */
        public Builder httpPort(int value) {
            if (value < 0 || value > 65535) {
                throw new ConfigException("httpPort", "must be a port number from 0 to 65535, got " + value);
            }
            this.httpPort = value;
            return this;
        }

        /**
         * Names the batch run: its commit marker. Default: derived from the task and its input
         * objects (a bolt), or the start time (a spout). Re-running with the same id replaces the
         * run's output.
         */
        public Builder runId(String value) {
            this.runId = value;
            return this;
        }

        /**
         * Reads only this shard of a batch input. Default: {@link Shard#fromEnvironment} of the
         * process's environment (the pods of an Indexed Job), else the whole input.
         */
        public Builder shard(Shard value) {
            this.shard = Objects.requireNonNull(value, "shard");
            return this;
        }

        /**
         * The run's logical time: date-time fields in braces in batch sources and destinations
         * ({@code dt={yyyy-MM-dd}}) and in a date-time {@code partitionBy} (for records without a
         * timestamp) are formatted for it, in UTC. Default: {@code GENIUSRISE_LOGICAL_TIME} (what a
         * scheduler passes), else the time this runner is built.
         */
        public Builder logicalTime(Instant value) {
            this.logicalTime = Objects.requireNonNull(value, "logicalTime");
            return this;
        }

        /**
         * On SIGTERM (a JVM shutdown), asks the task to stop and waits up to {@code timeout} for it
         * to finish before the JVM exits.
         */
        public Builder handleSignals(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Called with the summary of a run that finished, on the thread that ran it, before
         * {@link TaskRunner#run()} returns and before a SIGTERM that stopped the run lets the JVM
         * exit (see {@link #handleSignals}): where an entry point prints its summary line, so that
         * the line is not lost to the JVM's exit.
         */
        public Builder onFinished(Consumer<RunSummary> value) {
            this.onFinished = Objects.requireNonNull(value, "onFinished");
            return this;
        }

        /**
         * Called with what {@link TaskRunner#run()} is about to throw (a {@link ConfigException}, a
         * {@link TaskFailedException}, or another runtime exception), on the thread that ran it, before
         * a SIGTERM that stopped the run lets the JVM exit: where an entry point prints its error, once
         * (the runner itself logs nothing of it), so that it is not lost to the JVM's exit.
         */
        public Builder onFailed(Consumer<RuntimeException> value) {
            this.onFailed = Objects.requireNonNull(value, "onFailed");
            return this;
        }

        /**
         * Every {@code every}, gives {@code lines} the consumer lag of a streaming task's assigned
         * partitions as a CloudWatch Embedded Metric Format line (metric {@value TaskRunner#LAG_METRIC_NAME} in namespace {@value TaskRunner#LAG_METRIC_NAMESPACE}),
         * from a thread of its own; nothing while the lag is unknown. Default: every
         * {@value TaskRunner#LAG_METRIC_ENV} when that variable is set, to standard output (where
         * ECS's awslogs driver takes it to CloudWatch), else off.
         */
        public Builder lagMetric(Duration every, Consumer<String> lines) {
            Objects.requireNonNull(every, "every");
            if (every.isZero() || every.isNegative()) {
                throw new IllegalArgumentException("the lag metric's interval must be positive, got " + every);
            }
            this.lagMetricEvery = every;
            this.lagMetricLines = Objects.requireNonNull(lines, "lines");
            return this;
        }

        /** The runner. */
        public TaskRunner build() {
            return new TaskRunner(this);
        }
    }
}
