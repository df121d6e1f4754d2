package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.Task;
import ai.geniusrise.core.TaskArgs;
import ai.geniusrise.core.TaskHandle;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.spi.BuiltInTasks;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything needed to run one task: what it is (spout or bolt, its class), where it reads and
 * writes, its state, arguments and error policy, and how it is deployed. Pipeline defaults are
 * already merged in. Immutable; built by the pipeline parser or in code with {@link #builder}.
 */
public final class TaskSpec {

    /** Spout or bolt: the task's {@code type:} in a pipeline file. */
    public enum Kind {
        /** Reads an external source. */
        SPOUT,
        /** Reads S3, Kafka or files and operates on each record. */
        BOLT
    }

    private final String name;
    private final Kind kind;
    private final String className;
    private final InputConfig input;
    private final OutputConfig output;
    private final StateConfig state;
    private final TaskArgs args;
    private final ErrorPolicy errors;
    private final String deadLetter;
    private final Guarantee guarantee;
    private final Deployment deployment;
    private final UnaryOperator<ConfigException> locator;

    private TaskSpec(Builder b) {
        this.name = requireName(b.name);
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.className = b.className == null || b.className.isBlank() ? null : b.className.trim();
        if (b.input == null) {
            throw new ConfigException("config.inputConfig", "is required: where task '" + name + "' reads");
        }
        if (b.output == null) {
            throw new ConfigException("config.outputConfig", "is required: where task '" + name + "' writes");
        }
        this.input = b.input;
        this.output = b.output;
        this.state = Objects.requireNonNull(b.state, "state");
        this.args = Objects.requireNonNull(b.args, "args");
        this.errors = Objects.requireNonNull(b.errors, "errors");
        this.deadLetter = b.deadLetter == null || b.deadLetter.isBlank() ? null : b.deadLetter.trim();
        this.guarantee = Objects.requireNonNull(b.guarantee, "guarantee");
        this.deployment = Objects.requireNonNull(b.deployment, "deployment");
        checkCombination();
        this.locator = b.locator;
    }

    /**
     * {@code ordering: key} and {@code none} run in a Kafka→Kafka bolt's loop only, and not under
     * exactly-once: a transaction commits every record sent in it, while a record finished past one
     * still in process would have its output committed without its offset (docs/design.md).
     */
    private static void checkConcurrentOrdering(String name, Kind kind, StreamingInputConfig in, OutputConfig output,
                                                Guarantee guarantee) {
        String ordering = "ordering: " + in.ordering().yamlName();
        if (kind != Kind.BOLT || !(output instanceof StreamingOutputConfig)) {
            throw new ConfigException("config.inputConfig.ordering", ordering + " is available for a bolt reading "
                    + "and writing Kafka (inputConfig and outputConfig of type: streaming); task '" + name
                    + "' is a " + (kind == Kind.BOLT ? "bolt" : "spout") + " from " + in.type() + " to "
                    + output.type() + ": remove the key or use ordering: partition");
        }
        if (in.keyFormat() != null || in.valueFormat() != null) {
            throw new ConfigException("config.inputConfig.ordering", ordering + " cannot be combined with "
                    + "keyFormat or valueFormat (schema-registry decoding) in task '" + name + "' yet: records decoded "
                    + "with a schema are processed in partition order; use ordering: partition");
        }
        if (guarantee == Guarantee.EXACTLY_ONCE) {
            throw new ConfigException("config.inputConfig.ordering", ordering + " cannot be combined with "
                    + "guarantee: exactly_once in task '" + name + "': a transaction would commit the output of "
                    + "records finished ahead of one still in process without their offsets; use ordering: "
                    + "partition (and concurrency or more partitions to scale), or guarantee: at_least_once");
        }
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new ConfigException("name", "is required: a task name of lower-case letters, digits and '-'");
        }
        if (!name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
            throw new ConfigException("name", "'" + name + "' is not a valid task name: use 1 to 63 lower-case "
                    + "letters, digits and '-', starting and ending with a letter or digit (it names Kubernetes "
                    + "objects and consumer groups)");
        }
        return name;
    }

    /**
     * The rules that tie one field of a task to another, whether the spec comes from a pipeline
     * file or from {@link #builder}: the one place they are checked.
     */
    private void checkCombination() {
        String what = (kind == Kind.BOLT ? "bolt" : "spout") + " '" + name + "'";
        if (guarantee == Guarantee.EXACTLY_ONCE && !(kind == Kind.BOLT && streaming()
                && output instanceof StreamingOutputConfig)) {
            throw new ConfigException("guarantee", "exactly_once is available for a bolt reading and writing Kafka "
                    + "(inputConfig and outputConfig of type: streaming); task '" + name + "' is a "
                    + (kind == Kind.BOLT ? "bolt" : "spout") + " from " + input.type() + " to " + output.type()
                    + ": remove the key or use guarantee: at_least_once");
        }
        if (input instanceof StreamingInputConfig in && in.ordering() != Ordering.PARTITION) {
            checkConcurrentOrdering(name, kind, in, output, guarantee);
        }
        if (kind == Kind.SPOUT && streaming() && output instanceof BatchOutputConfig) {
            throw new ConfigException("config.outputConfig.type", "spout '" + name + "' reads a stream and runs "
                    + "until stopped, but a batch output is committed only by a run that ends by itself: write to a "
                    + "stream (outputConfig type: streaming) and let a bolt write objects from it (Kafka to S3)");
        }
        if (streaming() && deployment.schedule() != null) {
            throw new ConfigException("schedule", "a schedule is for batch tasks, but task '" + name + "' reads a "
                    + "stream (inputConfig type streaming) and runs continuously; remove the schedule, or read a "
                    + "batch input");
        }
        if (!streaming() && deployment.replicas() != null && deployment.replicas() > 1) {
            throw new ConfigException("replicas", "is for streaming tasks; task '" + name + "' reads a batch input: "
                    + "use parallelism to share its objects between pods");
        }
        if (streaming() && deployment.parallelism() != null && deployment.parallelism() > 1) {
            throw new ConfigException("parallelism", "is for batch tasks, whose objects it shares between pods; "
                    + what + " reads a stream: use replicas to add consumer-group members");
        }
        if (input instanceof BatchInputConfig in) {
            if (kind == Kind.SPOUT && in.select() != null) {
                throw new ConfigException("config.inputConfig.select", "select is for bolts, which read stored "
                        + "objects; a spout's inputConfig is its external source");
            }
            boolean checkpoints = in.checkpointRecords() != 0
                    || !in.checkpointInterval().equals(BatchInputConfig.DEFAULT_CHECKPOINT_INTERVAL);
            if (checkpoints && (kind == Kind.SPOUT || output instanceof BatchOutputConfig)) {
                String key = in.checkpointRecords() != 0 ? "checkpointRecords" : "checkpointInterval";
                throw new ConfigException("config.inputConfig." + key, key + " is for a bolt writing a stream (S3 to "
                        + "Kafka), whose position in an object is checkpointed; a batch output is committed whole at "
                        + "the end of its run");
            }
        }
    }

    /**
     * Whether the task reads a stream ({@code inputConfig} of {@code type: streaming}: a Kafka
     * topic, or a listener or bridge of a spout) and so runs until it is stopped; otherwise it is
     * a batch task, which ends by itself and may run on a {@linkplain Deployment#schedule()
     * schedule}. Streaming tasks scale by {@code replicas}, batch tasks by {@code parallelism}.
     * The one answer to "is this task streaming?" for the runtime, the CLI and the task managers.
     */
    public boolean streaming() {
        return input instanceof StreamingInputConfig;
    }

    /**
     * A new instance of the class that runs this task, made as the runtime makes it: the class
     * named in {@code class:}, or the built-in serving the task's input when it names none (see
     * {@link BuiltInTasks}), loaded with {@code loader} and created through its public
     * no-argument constructor, then {@linkplain #checkKind checked} to be of the task's kind.
     *
     * @param candidates names of classes a class that is not found may be a misspelling of, for a
     *                   "did you mean" (such as the classes of the user's jars); may be empty
     * @throws ConfigException {@linkplain #locate located} at {@code class} (at
     *                         {@code config.inputConfig.source} for a built-in) when the class is
     *                         missing, not a Spout or Bolt, abstract, of the other kind, or has
     *                         no public no-argument constructor, or when that constructor throws
     */
    public Task newTask(ClassLoader loader, Collection<String> candidates) {
        Task task;
        try {
            if (className == null) {
                task = BuiltInTasks.instantiate(this, loader).task();
            } else if (loader.getResource(className.replace('.', '/') + ".class") == null
                    && PipelineNode.nearest(className, candidates) != null) {
                throw new ConfigException("class", "class " + className + " was not found on the classpath; did you "
                        + "mean " + PipelineNode.nearest(className, candidates) + "?");
            } else {
                task = TaskHandle.instantiate(className, loader, "class").task();
            }
        } catch (ConfigException e) {
            throw locate(e);
        }
        return checkKind(task);
    }

    /**
     * {@code task}, when it is of this spec's kind (a {@link ai.geniusrise.core.Spout} for
     * {@code type: spout}, a {@link ai.geniusrise.core.Bolt} for {@code type: bolt}).
     *
     * @throws ConfigException {@linkplain #locate located} at {@code class} otherwise
     */
    public Task checkKind(Task task) {
        boolean spout = task instanceof ai.geniusrise.core.Spout;
        if (spout != (kind == Kind.SPOUT)) {
            throw locate(new ConfigException("class", task.getClass().getName() + " is a "
                    + (spout ? "Spout" : "Bolt") + " but the task has type: " + (spout ? "bolt" : "spout")
                    + "; change one of them"));
        }
        return task;
    }

    /** A builder for a task named {@code name} of kind {@code kind}. */
    public static Builder builder(String name, Kind kind) {
        return new Builder(name, kind);
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder(name, kind);
        b.className = className;
        b.input = input;
        b.output = output;
        b.state = state;
        b.args = args;
        b.errors = errors;
        b.deadLetter = deadLetter;
        b.guarantee = guarantee;
        b.deployment = deployment;
        b.locator = locator;
        return b;
    }

    /** The task's name, unique in its pipeline: lower-case letters, digits and '-'. */
    public String name() {
        return name;
    }

    /** Spout or bolt. */
    public Kind kind() {
        return kind;
    }

    /**
     * The task's class, or {@code null} when it names none: a spout is then the built-in chosen
     * from its input's scheme, a bolt {@linkplain #copiesRecords() copies its records}.
     */
    public String className() {
        return className;
    }

    /**
     * Whether this is a bolt naming no class: it emits every record it reads unchanged (see
     * {@link ai.geniusrise.core.spi.PassThroughBolt}).
     */
    public boolean copiesRecords() {
        return kind == Kind.BOLT && className == null;
    }

    /** Where the task reads. */
    public InputConfig input() {
        return input;
    }

    /** Where the task writes. */
    public OutputConfig output() {
        return output;
    }

    /** The state backend; {@link StateConfig#IN_MEMORY} unless the file names another. */
    public StateConfig state() {
        return state;
    }

    /** The task's {@code args:}. */
    public TaskArgs args() {
        return args;
    }

    /** What happens to a record that fails; default {@link ErrorPolicy#FAIL}. */
    public ErrorPolicy errors() {
        return errors;
    }

    /**
     * Where dead letters go under {@link ErrorPolicy#DEAD_LETTER}: a location for batch outputs, a
     * topic for streaming ones. {@code null} means the default: {@code <destination>/_dead-letter}
     * for batch, {@code <topic>.dlq} for streaming.
     */
    public String deadLetter() {
        return deadLetter;
    }

    /**
     * The delivery guarantee of a streaming task; default {@link Guarantee#AT_LEAST_ONCE}.
     * Batch runs commit atomically whatever this says.
     */
    public Guarantee guarantee() {
        return guarantee;
    }

    /** How the task is deployed: image, replicas, schedule, resources, secrets. */
    public Deployment deployment() {
        return deployment;
    }

    /**
     * {@code e}, located in the pipeline file this spec came from when its path (relative to the
     * task, such as {@code config.inputConfig.source}) is known there; otherwise {@code e} with
     * the task's name in its path.
     */
    public ConfigException locate(ConfigException e) {
        if (locator != null) {
            return locator.apply(e);
        }
        String path = "task '" + name + "'" + (e.path() == null ? "" : " " + e.path());
        return e.locatedAt(null, 0, 0, path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskSpec t && t.name.equals(name) && t.kind == kind
                && Objects.equals(t.className, className) && t.input.equals(input) && t.output.equals(output)
                && t.state.equals(state) && t.args.equals(args) && t.errors == errors
                && Objects.equals(t.deadLetter, deadLetter) && t.guarantee == guarantee
                && t.deployment.equals(deployment);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, kind, className, input, output, state, args, errors, deadLetter, guarantee,
                deployment);
    }

    @Override
    public String toString() {
        return "TaskSpec{" + name + ", " + kind + (className == null ? "" : ", " + className) + ", " + input + " -> "
                + output + "}";
    }

    /**
     * How a task runs on Kubernetes or ECS. Every field is optional; {@code null} and empty maps
     * mean "not set". Secrets map an environment variable to a reference ({@code secret/key}),
     * never to a value.
     */
    public record Deployment(String image, Integer replicas, CronSchedule schedule,
                             Integer parallelism, Map<String, String> resources, Map<String, String> env,
                             Map<String, String> secrets, Map<String, Object> target) {

        /** Nothing set. */
        public static final Deployment NONE = new Deployment(null, null, null, null, Map.of(), Map.of(),
                Map.of(), Map.of());

        /** Copies the maps. */
        public Deployment {
            resources = Map.copyOf(resources);
            env = Map.copyOf(env);
            secrets = Map.copyOf(secrets);
            target = Map.copyOf(target);
        }
    }

    /** Builds a {@link TaskSpec}; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private final Kind kind;
        private String className;
        private InputConfig input;
        private OutputConfig output;
        private StateConfig state = StateConfig.IN_MEMORY;
        private TaskArgs args = TaskArgs.empty();
        private ErrorPolicy errors = ErrorPolicy.FAIL;
        private String deadLetter;
        private Guarantee guarantee = Guarantee.AT_LEAST_ONCE;
        private Deployment deployment = Deployment.NONE;
        private UnaryOperator<ConfigException> locator;

        private Builder(String name, Kind kind) {
            this.name = name;
            this.kind = kind;
        }

        /** The task's class (fully qualified). */
        public Builder className(String value) {
            this.className = value;
            return this;
        }

        /** The task's class. */
        public Builder taskClass(Class<?> value) {
            return className(value.getName());
        }

        /** Where the task reads. */
        public Builder input(InputConfig value) {
            this.input = value;
            return this;
        }

        /** Where the task writes. */
        public Builder output(OutputConfig value) {
            this.output = value;
            return this;
        }

        /** The state backend. */
        public Builder state(StateConfig value) {
            this.state = Objects.requireNonNull(value, "state");
            return this;
        }

        /** The task's arguments. */
        public Builder args(TaskArgs value) {
            this.args = Objects.requireNonNull(value, "args");
            return this;
        }

        /** The error policy. */
        public Builder errors(ErrorPolicy value) {
            this.errors = Objects.requireNonNull(value, "errors");
            return this;
        }

        /** Where dead letters go. */
        public Builder deadLetter(String value) {
            this.deadLetter = value;
            return this;
        }

        /** The delivery guarantee of a streaming task. */
        public Builder guarantee(Guarantee value) {
            this.guarantee = Objects.requireNonNull(value, "guarantee");
            return this;
        }

        /** Deployment settings. */
        public Builder deployment(Deployment value) {
            this.deployment = Objects.requireNonNull(value, "deployment");
            return this;
        }

        /**
         * How {@link TaskSpec#locate(ConfigException)} places a mistake in the file this spec came
         * from; set by the pipeline parser.
         */
        public Builder locator(UnaryOperator<ConfigException> value) {
            this.locator = value;
            return this;
        }

        /**
         * The spec.
         *
         * @throws ConfigException naming the field at fault
         */
        public TaskSpec build() {
            return new TaskSpec(this);
        }
    }
}
