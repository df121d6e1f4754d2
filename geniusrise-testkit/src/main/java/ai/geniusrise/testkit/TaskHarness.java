package ai.geniusrise.testkit;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.Spout;
import ai.geniusrise.core.Task;
import ai.geniusrise.core.TaskArgs;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.spi.FixedTaskContext;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.TaskHandle;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.runtime.Failures;
import ai.geniusrise.core.state.InMemoryStateManager;
import ai.geniusrise.core.state.StateManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives one {@link Bolt} or {@link Spout} in memory, with no server, the way the runtime would:
 * the task is opened with a context (arguments, state, metrics, logger, clock, configs), fed
 * records or asked to produce, flushed and closed, and what it emits is collected for assertions.
 *
 * <pre>{@code
 * try (TaskHarness<WordCount> h = TaskHarness.of(new WordCount())
 *         .args(Map.of("minLength", 3)).errors(ErrorPolicy.SKIP).open()) {
 *     h.send("the cat", "the dog").flush();
 *     assertThat(h.emittedValues()).containsExactly("the=2", "cat=1", "dog=1");
 * }
 * }</pre>
 *
 * <p><b>What the task sees.</b> Pipeline {@value #PIPELINE_NAME}; the task name given to
 * {@link Builder#taskName(String)}, by default the class's simple name in kebab-case
 * ({@code WordCount} is {@code word-count}); its state is a view of an
 * {@link InMemoryStateManager} on the harness's {@link ManualClock}, namespaced
 * {@code "test/<task>/"} as the runtime namespaces it; a {@link SimpleMeterRegistry} whose meters
 * carry the {@code pipeline} and {@code task} tags; a logger named after the task class; and
 * unless set otherwise a batch input {@value #DEFAULT_INPUT} and a batch output
 * {@value #DEFAULT_OUTPUT}.
 *
 * <p><b>Records in.</b> Every record sent gets a sequence number {@code n} (1, 2, ...). A record
 * without a position ({@link Position#NONE}) is given {@code Position.inObject("harness", "input", n)},
 * shown as {@code input:n}, so a test can assert where a dead letter or failure came from;
 * a record that has a position keeps it.
 *
 * <p><b>Errors.</b> When {@code process} throws an {@link Exception} (including a
 * {@link RecordFormatException} from a typed view of the record), the error policy applies as in
 * the runtime: {@link ErrorPolicy#FAIL} (the default) throws a {@link HarnessFailure} naming the
 * record's position, and the harness then refuses further input; {@link ErrorPolicy#SKIP} counts
 * the record in {@link #skipped()} and logs it; {@link ErrorPolicy#DEAD_LETTER} adds a
 * {@link DeadLetter} with the input record, the error's class and message as reason, and the
 * error. Records a failed {@code process} call emitted (or dead-lettered) before it threw are
 * discarded: a record's output counts only when its call succeeds. An {@link Error} (such as an
 * {@link AssertionError} inside the task) is not an error policy's business and propagates
 * unchanged. Failures in {@code open}, {@code flush}, {@code produce} and {@code close} are
 * never a record's fault: they always throw {@link HarnessFailure}. A record a spout hands to
 * {@link Emitter#reject(Record, Throwable)} meets the same policy.
 *
 * <p><b>Emitters.</b> The emitter handed to each call works only on the thread that received it
 * and only until the call returns; otherwise it throws {@link IllegalStateException}, catching a
 * task that would break the runtime's {@link Emitter} rules.
 *
 * <p><b>Threads.</b> Drive a harness from one test thread. A streaming spout runs on a thread of
 * its own during {@link #produceFor(Duration)} and {@link #produceUntil(long, Duration)}; the
 * collected output may be read from any thread at any time.
 *
 * @param <T> the task's type, so that {@link #task()} gives the test the task's own methods
 */
public final class TaskHarness<T extends Task> implements AutoCloseable {

    /** The pipeline name every harnessed task sees. */
    public static final String PIPELINE_NAME = "test";

    /** The location of the positions given to input records: {@code Position.inObject("harness", "input", n)}. */
    public static final String INPUT_LOCATION = "harness";

    /** The source of the default input configuration. */
    public static final String DEFAULT_INPUT = "file:///harness/input";

    /** The destination of the default output configuration. */
    public static final String DEFAULT_OUTPUT = "file:///harness/output";

    /** How long {@link #produceUntil(long)} waits for the records by default: 10 seconds. */
    public static final Duration DEFAULT_PRODUCE_TIMEOUT = Duration.ofSeconds(10);

    /** How long a spout has to return once asked to stop, unless set otherwise: 10 seconds. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final T task;
    private final TaskHandle handle;
    private final FixedTaskContext context;
    private final AtomicBoolean stopSignal = new AtomicBoolean();
    private final ErrorPolicy errors;
    private final Failures failures;
    private final ManualClock clock;
    private final SimpleMeterRegistry metrics;
    private final Duration stopTimeout;

    private final List<Record> emitted = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final AtomicLong skipped = new AtomicLong();
    private long sequence;
    private HarnessFailure failure;
    private boolean closed;

    private TaskHarness(Builder<T> b, String taskName, ManualClock clock, StateManager backend) {
        this.task = b.task;
        this.handle = TaskHandle.of(b.task);
        this.errors = b.errors == null ? ErrorPolicy.FAIL : b.errors;
        this.clock = clock;
        this.stopTimeout = b.stopTimeout == null ? DEFAULT_STOP_TIMEOUT : b.stopTimeout;
        this.metrics = new SimpleMeterRegistry();
        metrics.config().commonTags("pipeline", PIPELINE_NAME, "task", taskName);
        InputConfig input = b.input != null ? b.input
                : BatchInputConfig.builder(DEFAULT_INPUT).parallelism(1).build();
        OutputConfig output = b.output != null ? b.output : BatchOutputConfig.builder(DEFAULT_OUTPUT).build();
        this.context = new FixedTaskContext(PIPELINE_NAME, taskName, TaskArgs.of(b.args),
                backend.namespaced(PIPELINE_NAME + "/" + taskName + "/"), metrics,
                LoggerFactory.getLogger(b.task.getClass()), clock, input, output, stopSignal::get);
        this.failures = Failures.of(taskName, errors, (position, original, record, reason, error) ->
                collectDeadLetter(new DeadLetter(record, reason, error)), context.logger());
    }

    /**
     * Starts configuring a harness for {@code task}, an instance not opened before. Finish with
     * {@link Builder#open()}.
     */
    public static <T extends Task> Builder<T> of(T task) {
        return new Builder<>(Objects.requireNonNull(task, "task"));
    }

    /**
     * Starts configuring a harness for a new instance of {@code type}, created through its public
     * no-argument constructor as the runtime creates tasks.
     *
     * @throws ai.geniusrise.core.ConfigException if {@code type} is abstract or has no public
     *                                            no-argument constructor, or the constructor throws
     */
    public static <T extends Task> Builder<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        TaskHandle created = TaskHandle.instantiate(type.getName(), type.getClassLoader(), "task class");
        return new Builder<>(type.cast(created.task()));
    }

    /** The task instance, to call its own methods in assertions. */
    public T task() {
        return task;
    }

    /** The context the task was opened with. */
    public TaskContext context() {
        return context;
    }

    /** The task's name, as {@code context().taskName()} gives it. */
    public String taskName() {
        return context.taskName();
    }

    // ---- driving a bolt ------------------------------------------------------------------

    /**
     * Sends each value, as a UTF-8 record without key, to {@code process} in order.
     *
     * @throws HarnessFailure        if {@code process} throws under {@link ErrorPolicy#FAIL}
     * @throws IllegalStateException if the task is a spout, failed before, or the harness is closed
     */
    public TaskHarness<T> send(String... values) {
        for (String v : values) {
            process(Record.of(Objects.requireNonNull(v, "value")));
        }
        return this;
    }

    /**
     * Sends each record to {@code process} in order; records without a position get one
     * (see the class documentation).
     *
     * @throws HarnessFailure        if {@code process} throws under {@link ErrorPolicy#FAIL}
     * @throws IllegalStateException if the task is a spout, failed before, or the harness is closed
     */
    public TaskHarness<T> send(Record... records) {
        return sendAll(Arrays.asList(records));
    }

    /** {@link #send(Record...)} for a collection or any other iterable of records. */
    public TaskHarness<T> sendAll(Iterable<Record> records) {
        for (Record r : records) {
            process(Objects.requireNonNull(r, "record"));
        }
        return this;
    }

    /**
     * Sends the JSON encoding of each value (a map, a Java record, a Jackson tree, ...) as a
     * record's value to {@code process} in order.
     *
     * @throws IllegalArgumentException if a value cannot be encoded as JSON
     * @throws HarnessFailure           if {@code process} throws under {@link ErrorPolicy#FAIL}
     */
    public TaskHarness<T> sendJson(Object... values) {
        for (Object v : values) {
            process(Record.ofJson(Objects.requireNonNull(v, "value")));
        }
        return this;
    }

    /**
     * Calls {@link Bolt#flush(Emitter)}, as the runtime does before it commits; what the bolt
     * emits there is collected like any output.
     *
     * @throws HarnessFailure        if flush throws; the harness then refuses further input
     * @throws IllegalStateException if the task is a spout, failed before, or the harness is closed
     */
    public TaskHarness<T> flush() {
        requireUsable("flush()");
        requireKind(false, "flush()");
        List<Record> out = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        HarnessEmitter emitter = new HarnessEmitter("flush()", Thread.currentThread(), out::add, letters::add, this::applyPolicy);
        try {
            handle.flush(emitter);
        } catch (Exception e) {
            throw fail(HarnessFailure.inPhase(taskName(), "flush", e));
        } finally {
            emitter.close();
        }
        collect(out, letters);
        return this;
    }

    // ---- driving a spout -----------------------------------------------------------------

    /**
     * Runs {@link Spout#produce(Emitter)} once on the calling thread and returns when it returns:
     * for a batch spout, one run. {@code context().stopRequested()} is false meanwhile, so do not
     * use this for a streaming spout: use {@link #produceFor(Duration)} or
     * {@link #produceUntil(long)}.
     *
     * @throws HarnessFailure        if produce throws; the harness then refuses further calls
     * @throws IllegalStateException if the task is a bolt, failed before, or the harness is closed
     */
    public TaskHarness<T> produce() {
        requireUsable("produce()");
        requireKind(true, "produce()");
        stopSignal.set(false);
        HarnessEmitter emitter = new HarnessEmitter("produce()", Thread.currentThread(), this::collectEmitted,
                this::collectDeadLetter, this::applyPolicy);
        try {
            handle.produce(emitter);
        } catch (Exception e) {
            throw fail(HarnessFailure.inPhase(taskName(), "produce", e));
        } finally {
            emitter.close();
        }
        return this;
    }

    /**
     * Runs {@link Spout#produce(Emitter)} on a thread of its own for {@code duration} of real
     * time (less if produce returns by itself), then sets {@code context().stopRequested()} and
     * waits for produce to return. Advance the {@link ManualClock} from the test if the spout
     * waits on task time.
     *
     * @throws HarnessFailure        if produce throws, or does not return within the stop timeout
     *                               ({@link Builder#stopTimeout(Duration)}) after being asked to stop
     * @throws IllegalStateException if the task is a bolt, failed before, or the harness is closed
     */
    public TaskHarness<T> produceFor(Duration duration) {
        requirePositiveOrZero("duration", duration);
        ProduceRun run = startProduce(Long.MAX_VALUE, "produceFor(" + duration + ")");
        awaitQuietly(run.finished, duration);
        stopAndJoin(run);
        return this;
    }

    /**
     * {@link #produceUntil(long, Duration)} waiting at most {@link #DEFAULT_PRODUCE_TIMEOUT}.
     */
    public TaskHarness<T> produceUntil(long count) {
        return produceUntil(count, DEFAULT_PRODUCE_TIMEOUT);
    }

    /**
     * Runs {@link Spout#produce(Emitter)} on a thread of its own until it has emitted
     * {@code count} records in this call, then sets {@code context().stopRequested()} and waits
     * for produce to return. The spout may emit a few more records before it sees the request,
     * and they are collected too.
     *
     * @throws HarnessFailure        if produce throws, returns before emitting {@code count}
     *                               records, has not emitted them within {@code timeout}, or does not
     *                               return within the stop timeout after being asked to stop
     * @throws IllegalStateException if the task is a bolt, failed before, or the harness is closed
     */
    public TaskHarness<T> produceUntil(long count, Duration timeout) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        requirePositiveOrZero("timeout", timeout);
        ProduceRun run = startProduce(count, "produceUntil(" + count + ")");
        boolean inTime = awaitQuietly(CompletableFuture.anyOf(run.reached, run.finished), timeout);
        stopAndJoin(run);
        if (!run.reached.isDone()) {
            String when = inTime ? "before produce returned" : "within " + timeout;
            throw fail(HarnessFailure.spout(taskName(), "emitted " + run.count.get() + " of the " + count
                    + " records awaited " + when));
        }
        return this;
    }

    // ---- what the task did ---------------------------------------------------------------

    /** The records the task emitted so far, in order; a snapshot, unmodifiable. */
    public List<Record> emitted() {
        synchronized (emitted) {
            return List.copyOf(emitted);
        }
    }

    /** The values of {@link #emitted()} decoded as UTF-8. */
    public List<String> emittedValues() {
        return emitted().stream().map(Record::valueAsString).toList();
    }

    /**
     * The values of {@link #emitted()} bound from JSON to {@code type}.
     *
     * @throws RecordFormatException if an emitted value does not bind to {@code type}
     */
    public <R> List<R> emittedAs(Class<R> type) {
        return emitted().stream().map(r -> r.as(type)).toList();
    }

    /** The dead letters so far, in order, from the task's own calls and from the error policy; a snapshot. */
    public List<DeadLetter> deadLetters() {
        synchronized (deadLetters) {
            return List.copyOf(deadLetters);
        }
    }

    /** How many input records {@link ErrorPolicy#SKIP} skipped so far. */
    public long skipped() {
        return skipped.get();
    }

    /**
     * Forgets the emitted records, dead letters and skip count, to assert on what comes next.
     * State, clock, metrics and the input sequence number are kept.
     */
    public TaskHarness<T> clearOutputs() {
        synchronized (emitted) {
            emitted.clear();
        }
        synchronized (deadLetters) {
            deadLetters.clear();
        }
        skipped.set(0);
        return this;
    }

    /**
     * The task's state, the very view {@code context().state()} gives the task: keys are
     * relative to the task's namespace.
     */
    public StateManager state() {
        return context.state();
    }

    /** The meter registry the task records its metrics in. */
    public SimpleMeterRegistry metrics() {
        return metrics;
    }

    /** The clock the task sees through {@code context().clock()}, and its state's time-to-live follows. */
    public ManualClock clock() {
        return clock;
    }

    /**
     * Moves the task's clock forward by {@code amount}.
     *
     * @throws IllegalArgumentException if {@code amount} is negative
     */
    public TaskHarness<T> advanceClock(Duration amount) {
        clock.advance(amount);
        return this;
    }

    /**
     * Closes the task: calls {@link Task#close()} once, whatever happened before; later calls
     * do nothing. The collected output and the state stay readable.
     *
     * @throws HarnessFailure if the task's close throws
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopSignal.set(true);
        try {
            handle.close();
        } catch (Exception e) {
            throw HarnessFailure.inPhase(taskName(), "close", e);
        }
    }

    @Override
    public String toString() {
        return "TaskHarness[" + taskName() + ", " + task.getClass().getName() + ", errors "
                + errors.yamlName() + "]";
    }

    // ---- internals ------------------------------------------------------------------------

    private void process(Record in) {
        requireUsable("send");
        requireKind(false, "send");
        long n = ++sequence;
        Record record = in.position() == Position.NONE
                ? in.withPosition(Position.inObject(INPUT_LOCATION, "input", n)) : in;
        List<Record> out = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        HarnessEmitter emitter = new HarnessEmitter("process(" + record.position() + ")", Thread.currentThread(),
                out::add, letters::add, this::applyPolicy);
        try {
            handle.process(record, emitter);
        } catch (Exception e) {
            applyPolicy(record, e);
            return;
        } finally {
            emitter.close();
        }
        collect(out, letters);
    }

    /** The task's error policy, applied by the runtime's own code: the decisions, messages and reasons of a run. */
    private void applyPolicy(Record record, Throwable e) {
        try {
            if (failures.apply(record, e) == Failures.Outcome.SKIPPED) {
                skipped.incrementAndGet();
            }
        } catch (TaskFailedException failed) {
            throw fail(HarnessFailure.onRecord(taskName(), record.position(), failed.getMessage(), e));
        }
    }

    private void collect(List<Record> out, List<DeadLetter> letters) {
        synchronized (emitted) {
            emitted.addAll(out);
        }
        synchronized (deadLetters) {
            deadLetters.addAll(letters);
        }
    }

    private void collectEmitted(Record r) {
        synchronized (emitted) {
            emitted.add(r);
        }
    }

    private void collectDeadLetter(DeadLetter d) {
        synchronized (deadLetters) {
            deadLetters.add(d);
        }
    }

    private HarnessFailure fail(HarnessFailure f) {
        failure = f;
        stopSignal.set(true);
        return f;
    }

    private void requireUsable(String call) {
        if (closed) {
            throw new IllegalStateException(call + " on the harness of task '" + taskName()
                    + "', which is closed");
        }
        if (failure != null) {
            throw new IllegalStateException(call + " on the harness of task '" + taskName()
                    + "', which already failed (" + failure.getMessage() + "); the runtime would have stopped "
                    + "the task: open a new harness", failure);
        }
    }

    private void requireKind(boolean spout, String call) {
        if (spout != handle.isSpout()) {
            String kind = handle.isSpout() ? "a spout" : "a bolt";
            String use = handle.isSpout() ? "produce(), produceFor(...) or produceUntil(...)" : "send(...) and flush()";
            throw new IllegalStateException(call + ": task '" + taskName() + "' (" + task.getClass().getName()
                    + ") is " + kind + "; drive it with " + use);
        }
    }

    private static void requirePositiveOrZero(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
    }

    /** One run of a spout's produce on a thread of its own. */
    private final class ProduceRun {
        final long target;
        final AtomicLong count = new AtomicLong();
        final CompletableFuture<Void> reached = new CompletableFuture<>();
        final CompletableFuture<Void> finished = new CompletableFuture<>();
        Thread thread;

        ProduceRun(long target) {
            this.target = target;
        }

        void emitted(Record r) {
            collectEmitted(r);
            if (count.incrementAndGet() >= target) {
                reached.complete(null);
            }
        }
    }

    private ProduceRun startProduce(long target, String call) {
        requireUsable(call);
        requireKind(true, call);
        stopSignal.set(false);
        ProduceRun run = new ProduceRun(target);
        run.thread = new Thread(() -> {
            HarnessEmitter emitter = new HarnessEmitter("produce()", Thread.currentThread(), run::emitted,
                    this::collectDeadLetter, this::applyPolicy);
            try {
                handle.produce(emitter);
                run.finished.complete(null);
            } catch (Throwable t) {
                run.finished.completeExceptionally(t);
            } finally {
                emitter.close();
            }
        }, "harness-" + taskName() + "-produce");
        run.thread.setDaemon(true);
        run.thread.start();
        return run;
    }

    private void stopAndJoin(ProduceRun run) {
        stopSignal.set(true);
        try {
            run.finished.get(stopTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            run.thread.interrupt();
            throw fail(HarnessFailure.spout(taskName(), "did not return from produce within " + stopTimeout
                    + " after stopRequested() turned true; a streaming spout must poll context().stopRequested() "
                    + "and return"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            fail(HarnessFailure.inPhase(taskName(), "produce", cause));
            if (cause instanceof Error error) {
                throw error;
            }
            throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.thread.interrupt();
            throw fail(HarnessFailure.spout(taskName(), "was still producing when the test thread was interrupted"));
        }
    }

    /** Waits for {@code future} up to {@code timeout}; true if it completed (normally or not) in time. */
    private static boolean awaitQuietly(CompletableFuture<?> future, Duration timeout) {
        try {
            future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String kebabCase(Class<?> type) {
        String simple = type.getSimpleName();
        if (simple.isEmpty()) {
            String name = type.getName();
            simple = name.substring(name.lastIndexOf('.') + 1).replace('$', '-');
        }
        return simple.replaceAll("([A-Z]+)([A-Z][a-z])", "$1-$2")
                .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                .toLowerCase(Locale.ROOT);
    }

    /**
     * Configures a {@link TaskHarness}; each setting may be given once. Not thread-safe; one
     * builder opens one harness, since a task instance is opened once.
     *
     * @param <T> the task's type
     */
    public static final class Builder<T extends Task> {
        private final T task;
        private final Map<String, Object> args = new LinkedHashMap<>();
        private String taskName;
        private ErrorPolicy errors;
        private InputConfig input;
        private OutputConfig output;
        private ManualClock clock;
        private StateManager stateBackend;
        private Duration stopTimeout;
        private boolean opened;

        private Builder(T task) {
            this.task = task;
        }

        /**
         * The task's name; default: the class's simple name in kebab-case.
         *
         * @throws IllegalArgumentException if blank
         * @throws IllegalStateException    if already set
         */
        public Builder<T> taskName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("task name must not be blank");
            }
            requireUnset("task name", taskName);
            this.taskName = name.trim();
            return this;
        }

        /**
         * Adds arguments, as under the task's {@code args:}; may be combined with {@link #arg}.
         *
         * @throws IllegalStateException if an argument of the same name was already given
         */
        public Builder<T> args(Map<String, ?> values) {
            values.forEach(this::arg);
            return this;
        }

        /**
         * Adds one argument.
         *
         * @throws IllegalStateException if an argument of that name was already given
         */
        public Builder<T> arg(String name, Object value) {
            Objects.requireNonNull(name, "name");
            if (args.containsKey(name)) {
                throw new IllegalStateException("argument '" + name + "' was already set to " + args.get(name));
            }
            args.put(name, value);
            return this;
        }

        /** What happens when {@code process} throws; default {@link ErrorPolicy#FAIL}. */
        public Builder<T> errors(ErrorPolicy policy) {
            Objects.requireNonNull(policy, "policy");
            requireUnset("error policy", errors);
            this.errors = policy;
            return this;
        }

        /** The input configuration the task sees; default a batch input {@value TaskHarness#DEFAULT_INPUT}. */
        public Builder<T> input(InputConfig config) {
            Objects.requireNonNull(config, "config");
            requireUnset("input", input);
            this.input = config;
            return this;
        }

        /** The output configuration the task sees; default a batch output {@value TaskHarness#DEFAULT_OUTPUT}. */
        public Builder<T> output(OutputConfig config) {
            Objects.requireNonNull(config, "config");
            requireUnset("output", output);
            this.output = config;
            return this;
        }

        /** The clock the task sees; default a new {@link ManualClock} at {@link ManualClock#DEFAULT_START}. */
        public Builder<T> clock(ManualClock value) {
            Objects.requireNonNull(value, "clock");
            requireUnset("clock", clock);
            this.clock = value;
            return this;
        }

        /**
         * The store behind the task's state; default a new {@link InMemoryStateManager} on the
         * harness clock. Pass one store to two harnesses in turn to test that a task restores
         * what an earlier instance saved. The task sees it namespaced
         * {@code "test/<task>/"}; the harness never closes it.
         */
        public Builder<T> stateBackend(StateManager backend) {
            Objects.requireNonNull(backend, "backend");
            requireUnset("state backend", stateBackend);
            this.stateBackend = backend;
            return this;
        }

        /**
         * How long a spout has, once asked to stop, to return from produce; default
         * {@link TaskHarness#DEFAULT_STOP_TIMEOUT}.
         */
        public Builder<T> stopTimeout(Duration value) {
            Objects.requireNonNull(value, "stopTimeout");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("stop timeout must be positive, got " + value);
            }
            requireUnset("stop timeout", stopTimeout);
            this.stopTimeout = value;
            return this;
        }

        /**
         * Opens the task with its context and returns the harness driving it.
         *
         * @throws HarnessFailure        if the task's open throws; its close has then been called
         * @throws IllegalStateException if this builder already opened a harness
         */
        public TaskHarness<T> open() {
            if (opened) {
                throw new IllegalStateException("this builder already opened a harness for " + task.getClass().getName()
                        + "; a task instance is opened once, so start a new harness with a new instance");
            }
            opened = true;
            String name = taskName != null ? taskName : kebabCase(task.getClass());
            ManualClock c = clock != null ? clock : new ManualClock();
            StateManager backend = stateBackend != null ? stateBackend : new InMemoryStateManager(c);
            TaskHarness<T> harness = new TaskHarness<>(this, name, c, backend);
            try {
                harness.handle.open(harness.context);
            } catch (Throwable t) {
                RuntimeException failure = t instanceof Error ? null : HarnessFailure.inPhase(name, "open", t);
                Throwable thrown = failure != null ? failure : t;
                try {
                    harness.close();
                } catch (RuntimeException closeFailure) {
                    thrown.addSuppressed(closeFailure);
                }
                if (failure != null) {
                    throw failure;
                }
                throw (Error) t;
            }
            return harness;
        }

        private static void requireUnset(String what, Object current) {
            if (current != null) {
                throw new IllegalStateException(what + " was already set to " + current);
            }
        }
    }
}
