package ai.geniusrise.core;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.settings.Quantities;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.TaskRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The arguments that start a task in a container, one grammar for every entry point: a user's
 * {@code main} calling {@link Geniusrise#run} and the {@code geniusrise} command accept the same
 * arguments and the same environment variables, so that the files {@code geniusrise generate}
 * writes start either kind of image.
 *
 * <pre>
 * [run] PIPELINE.yaml|env:NAME [--task NAME] [--run-id ID] [--http-port PORT]
 *       [--logical-time TIME] [--shutdown-timeout DURATION] [--verbose]
 * </pre>
 *
 * <p>Each option also reads an environment variable, used when the option is absent:
 * {@value #PIPELINE_ENV} (the pipeline file), {@value #TASK_ENV}, {@value #RUN_ID_ENV},
 * {@value #HTTP_PORT_ENV}, {@value #LOGICAL_TIME_ENV} and {@value #SHUTDOWN_TIMEOUT_ENV}.
 * {@code env:NAME} in place of a path reads the pipeline file's text from the variable
 * {@code NAME} (how ECS passes it). Options take their value as the next argument or after
 * {@code =} ({@code --task=clean}). Immutable.
 */
public final class RunArguments {

    /** The usage line of the grammar, for messages. */
    public static final String USAGE = "[run] PIPELINE.yaml|env:NAME [--task NAME] [--run-id ID] [--http-port PORT] "
            + "[--logical-time TIME] [--shutdown-timeout DURATION] [--verbose]";

    /** Environment variable naming the pipeline file when no argument does (a path or {@code env:NAME}). */
    public static final String PIPELINE_ENV = "GENIUSRISE_PIPELINE";
    /** Option naming the task to run. */
    public static final String TASK = "--task";
    /** Short form of {@link #TASK}. */
    public static final String TASK_SHORT = "-t";
    /** Environment variable of {@link #TASK}. */
    public static final String TASK_ENV = "GENIUSRISE_TASK";
    /** Option naming a batch run (its commit marker). */
    public static final String RUN_ID = "--run-id";
    /** Environment variable of {@link #RUN_ID}. */
    public static final String RUN_ID_ENV = "GENIUSRISE_RUN_ID";
    /** Option giving the port of {@code /healthz}, {@code /readyz} and {@code /metrics}. */
    public static final String HTTP_PORT = "--http-port";
    /** Environment variable of {@link #HTTP_PORT}. */
    public static final String HTTP_PORT_ENV = "GENIUSRISE_HTTP_PORT";
    /** Option giving the run's logical time. */
    public static final String LOGICAL_TIME = "--logical-time";
    /** Environment variable of {@link #LOGICAL_TIME}. */
    public static final String LOGICAL_TIME_ENV = TaskRunner.LOGICAL_TIME_ENV;
    /** Option giving how long SIGTERM waits for the task to stop. */
    public static final String SHUTDOWN_TIMEOUT = "--shutdown-timeout";
    /** Environment variable of {@link #SHUTDOWN_TIMEOUT}. */
    public static final String SHUTDOWN_TIMEOUT_ENV = "GENIUSRISE_SHUTDOWN_TIMEOUT";
    /** Option asking for stack traces with errors. */
    public static final String VERBOSE = "--verbose";

    /** Help text of {@link #TASK}. */
    public static final String TASK_DOC = "Run only this task (env " + TASK_ENV + ").";
    /** Help text of {@link #RUN_ID}. */
    public static final String RUN_ID_DOC = "Name of the batch run (its commit marker); a re-run with the same id "
            + "replaces its output (env " + RUN_ID_ENV + ").";
    /** Help text of {@link #HTTP_PORT}. */
    public static final String HTTP_PORT_DOC = "Serve /healthz, /readyz and /metrics on this port (default: off; env "
            + HTTP_PORT_ENV + ").";
    /** Help text of {@link #LOGICAL_TIME}. */
    public static final String LOGICAL_TIME_DOC = "The time the run stands for, ISO-8601 (e.g. 2024-05-01T10:00:00Z): "
            + "date-time fields in braces in batch sources and destinations (dt={yyyy-MM-dd}) are formatted for it, "
            + "in UTC. Default: env " + LOGICAL_TIME_ENV + ", else when the command starts (one time for every task).";
    /** Help text of {@link #SHUTDOWN_TIMEOUT}. */
    public static final String SHUTDOWN_TIMEOUT_DOC = "How long SIGTERM waits for the task to stop, e.g. 30s or PT30S "
            + "(default 30s; env " + SHUTDOWN_TIMEOUT_ENV + ").";

    private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> VALUED = List.of(TASK, TASK_SHORT, RUN_ID, HTTP_PORT, LOGICAL_TIME,
            SHUTDOWN_TIMEOUT);

    private final String pipeline;
    private final String task;
    private final String runId;
    private final int httpPort;
    private final Instant logicalTime;
    private final Duration shutdownTimeout;
    private final boolean verbose;
    private final Map<String, String> env;

    private RunArguments(String pipeline, Map<String, String> options, boolean verbose, Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.pipeline = given(pipeline, env.get(PIPELINE_ENV));
        this.task = given(options.get(TASK), env.get(TASK_ENV));
        this.runId = given(options.get(RUN_ID), env.get(RUN_ID_ENV));
        this.httpPort = port(options.get(HTTP_PORT), env.get(HTTP_PORT_ENV));
        this.logicalTime = logicalTime(options.get(LOGICAL_TIME), env);
        this.shutdownTimeout = shutdownTimeout(options.get(SHUTDOWN_TIMEOUT), env.get(SHUTDOWN_TIMEOUT_ENV));
        this.verbose = verbose;
    }

    /**
     * Reads {@code args} in the grammar above, falling back on {@code env} for what they do not
     * say. A leading {@code run} is skipped.
     *
     * @throws ConfigException for an unknown argument, a repeated option, an option without its
     *                         value or a value that is not what the option takes
     */
    public static RunArguments parse(List<String> args, Map<String, String> env) {
        Map<String, String> options = new HashMap<>();
        String file = null;
        boolean verbose = false;
        int start = !args.isEmpty() && args.get(0).equals("run") ? 1 : 0;
        for (int i = start; i < args.size(); i++) {
            String a = args.get(i);
            int eq = a.indexOf('=');
            String name = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
            if (name.equals(VERBOSE) && eq < 0) {
                verbose = true;
            } else if (VALUED.contains(name)) {
                String value;
                if (eq > 0 && a.startsWith("--")) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw usage(name + " needs a value");
                }
                String key = name.equals(TASK_SHORT) ? TASK : name;
                if (options.put(key, value) != null) {
                    throw usage(key + " was given twice");
                }
            } else if (a.startsWith("-") || file != null) {
                throw usage("unknown argument '" + a + "'");
            } else {
                file = a;
            }
        }
        return new RunArguments(file, options, verbose, env);
    }

    /**
     * Arguments already split by another parser (the {@code geniusrise} command's): {@code file}
     * the pipeline argument or {@code null}, {@code options} the values given by option name
     * ({@link #TASK}, {@link #RUN_ID}, ...; a {@code null} value is an absent option).
     *
     * @throws ConfigException for an unknown option name or a value that is not what the option takes
     */
    public static RunArguments of(String file, Map<String, String> options, boolean verbose, Map<String, String> env) {
        Map<String, String> given = new HashMap<>();
        options.forEach((name, value) -> {
            if (!VALUED.contains(name)) {
                throw new IllegalArgumentException("not an option of the run grammar: " + name);
            }
            if (value != null) {
                given.put(name.equals(TASK_SHORT) ? TASK : name, value);
            }
        });
        return new RunArguments(file, given, verbose, env);
    }

    /** Reads a pipeline file, or with {@code env:NAME} the pipeline text in the variable {@code NAME} of {@code env}. */
    public static Pipeline loadPipeline(String location, Map<String, String> env) {
        if (location.startsWith("env:")) {
            String variable = location.substring(4);
            String text = env.get(variable);
            if (text == null || text.isBlank()) {
                throw new ConfigException(null, "environment variable '" + variable + "' holds no pipeline file");
            }
            return Pipeline.parse(text, Path.of(location), env);
        }
        return Pipeline.load(Path.of(location), env);
    }

    /**
     * The pipeline these arguments name.
     *
     * @throws ConfigException when none is named, or it cannot be read or has a mistake
     */
    public Pipeline loadPipeline() {
        if (pipeline == null) {
            throw usage("no pipeline file: pass its path (or env:NAME) as the first argument or set " + PIPELINE_ENV);
        }
        return loadPipeline(pipeline, env);
    }

    /**
     * A runner of {@code spec} with these arguments' run id, port, logical time and SIGTERM
     * handling ({@link TaskRunner.Builder#handleSignals}).
     */
    public TaskRunner.Builder runner(TaskSpec spec, String pipelineName) {
        TaskRunner.Builder b = TaskRunner.builder(spec).pipelineName(pipelineName).runId(runId)
                .logicalTime(logicalTime).handleSignals(shutdownTimeout);
        if (httpPort >= 0) {
            b.httpPort(httpPort);
        }
        return b;
    }

    /** The pipeline argument ({@code path} or {@code env:NAME}), or {@code null} when none was given. */
    public String pipeline() {
        return pipeline;
    }

    /** The task to run, or {@code null} when not named. */
    public String task() {
        return task;
    }

    /** The batch run's id, or {@code null} for the default. */
    public String runId() {
        return runId;
    }

    /** The health and metrics port, or -1 when off. */
    public int httpPort() {
        return httpPort;
    }

    /** The run's logical time: the one given, else the time these arguments were read. */
    public Instant logicalTime() {
        return logicalTime;
    }

    /** How long SIGTERM waits for the task to stop. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Whether errors come with their stack trace. */
    public boolean verbose() {
        return verbose;
    }

    private static ConfigException usage(String problem) {
        return new ConfigException(null, problem + "; usage: " + USAGE);
    }

    private static String given(String option, String variable) {
        String value = option != null ? option : variable;
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static int port(String option, String variable) {
        String text = given(option, variable);
        if (text == null) {
            return -1;
        }
        String from = option != null ? HTTP_PORT : HTTP_PORT_ENV;
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(from, "expected a port number from 0 to 65535, got '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(from, "expected a port number from 0 to 65535, got " + port);
        }
        return port;
    }

    private static Instant logicalTime(String option, Map<String, String> env) {
        if (option == null) {
            return TaskRunner.logicalTimeFromEnvironment(env, Instant.now());
        }
        try {
            // the grammar of the variable, which the option shares (blank means unset there, not here)
            Instant time = TaskRunner.logicalTimeFromEnvironment(Map.of(TaskRunner.LOGICAL_TIME_ENV, option), null);
            if (time == null) {
                throw new ConfigException(LOGICAL_TIME, "expected an ISO-8601 time such as 2024-05-01T10:00:00Z, "
                        + "got nothing");
            }
            return time;
        } catch (ConfigException e) {
            throw new ConfigException(LOGICAL_TIME, e.problem(), e.getCause());
        }
    }

    private static Duration shutdownTimeout(String option, String variable) {
        String text = given(option, variable);
        if (text == null) {
            return DEFAULT_SHUTDOWN_TIMEOUT;
        }
        String from = option != null ? SHUTDOWN_TIMEOUT : SHUTDOWN_TIMEOUT_ENV;
        try {
            return Quantities.positiveDuration(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(from, e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunArguments r && Objects.equals(r.pipeline, pipeline) && Objects.equals(r.task, task)
                && Objects.equals(r.runId, runId) && r.httpPort == httpPort && r.logicalTime.equals(logicalTime)
                && r.shutdownTimeout.equals(shutdownTimeout) && r.verbose == verbose;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pipeline, task, runId, httpPort, logicalTime, shutdownTimeout, verbose);
    }

    @Override
    public String toString() {
        return "RunArguments{" + pipeline + ", task=" + task + ", runId=" + runId + ", httpPort=" + httpPort
                + ", logicalTime=" + logicalTime + ", shutdownTimeout=" + shutdownTimeout + "}";
    }
}
