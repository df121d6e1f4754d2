package ai.geniusrise.core;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The entry point of a task's container: {@code public static void main(String[] args) {
 * Geniusrise.run(MyBolt.class, args); }}.
 *
 * <p>Arguments: {@code [PIPELINE.yaml] [--task NAME] [--run-id ID] [--http-port N] [--verbose]}.
 * Each has an environment variable for containers: {@code GENIUSRISE_PIPELINE},
 * {@code GENIUSRISE_TASK}, {@code GENIUSRISE_RUN_ID}, {@code GENIUSRISE_HTTP_PORT}; and
 * {@code GENIUSRISE_LOGICAL_TIME} sets the run's logical time (see {@link TaskRunner.Builder#logicalTime}). Without
 * {@code --task}, the task is the pipeline's only task whose {@code class} is the given class.
 *
 * <p>Exit codes: 0 when the task finished, 1 when it failed, 2 for a configuration mistake.
 * Errors are one message naming the task, the file:line:column or the record position; a stack
 * trace only with {@code --verbose}. SIGTERM stops the task within 30 seconds.
 */
public final class Geniusrise {

    /** Exit code of a finished run. */
    public static final int OK = 0;
    /** Exit code of a failed run. */
    public static final int FAILED = 1;
    /** Exit code of a configuration mistake. */
    public static final int CONFIG_ERROR = 2;

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    private Geniusrise() {
    }

    /** Runs {@code taskClass} as described by {@code args} and the environment, then exits the JVM. */
    public static void run(Class<? extends Task> taskClass, String[] args) {
        System.exit(execute(taskClass, List.of(args), System.getenv(), System.err));
    }

    static int execute(Class<? extends Task> taskClass, List<String> args, Map<String, String> env, PrintStream err) {
        boolean verbose = args.contains("--verbose");
        try {
            String pipelineFile = env.get("GENIUSRISE_PIPELINE");
            String taskName = env.get("GENIUSRISE_TASK");
            String runId = env.get("GENIUSRISE_RUN_ID");
            String port = env.get("GENIUSRISE_HTTP_PORT");
            boolean positional = false;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--verbose" -> { }
                    case "--task" -> taskName = value(args, ++i, a);
                    case "--run-id" -> runId = value(args, ++i, a);
                    case "--http-port" -> port = value(args, ++i, a);
                    default -> {
                        if (a.startsWith("-") || positional) {
                            throw new ConfigException(null, "unknown argument '" + a + "'; usage: [PIPELINE.yaml] "
                                    + "[--task NAME] [--run-id ID] [--http-port N] [--verbose]");
                        }
                        pipelineFile = a;
                        positional = true;
                    }
                }
            }
            if (pipelineFile == null) {
                throw new ConfigException(null, "no pipeline file: pass its path as the first argument or set "
                        + "GENIUSRISE_PIPELINE");
            }
            Pipeline pipeline = Pipeline.load(Path.of(pipelineFile), env);
            pipeline.warnings().forEach(w -> err.println("warning: " + w));
            TaskSpec spec = taskName != null ? pipeline.requireTask(taskName) : onlyTaskOf(pipeline, taskClass);
            TaskRunner.Builder runner = TaskRunner.builder(spec).pipelineName(pipeline.name())
                    .classLoader(taskClass.getClassLoader()).runId(runId).handleSignals(SHUTDOWN_TIMEOUT);
            if (spec.className() == null || spec.className().equals(taskClass.getName())) {
                runner.task(TaskHandle.instantiate(taskClass.getName(), taskClass.getClassLoader(), "class").task());
            }
            if (port != null) {
                runner.httpPort(parsePort(port));
            }
            RunSummary summary = runner.build().run();
            err.println("task '" + summary.task() + "' done: " + summary.recordsIn() + " in, " + summary.recordsOut()
                    + " out, " + summary.skipped() + " skipped, " + summary.deadLettered() + " dead-lettered; output: "
                    + summary.output());
            return OK;
        } catch (ConfigException e) {
            report(err, e, verbose);
            return CONFIG_ERROR;
        } catch (TaskFailedException e) {
            report(err, e, verbose);
            return FAILED;
        } catch (RuntimeException e) {
            err.println("error: unexpected " + e);
            if (verbose) {
                e.printStackTrace(err);
            }
            return FAILED;
        }
    }

    private static TaskSpec onlyTaskOf(Pipeline pipeline, Class<? extends Task> taskClass) {
        List<TaskSpec> matching = pipeline.tasks().stream()
                .filter(t -> taskClass.getName().equals(t.className())).toList();
        if (matching.size() == 1) {
            return matching.get(0);
        }
        if (matching.isEmpty() && pipeline.tasks().size() == 1) {
            return pipeline.tasks().get(0);
        }
        throw new ConfigException(null, (matching.isEmpty() ? "no task" : matching.size() + " tasks") + " of pipeline '"
                + pipeline.name() + "' run " + taskClass.getName() + "; choose one with --task NAME or GENIUSRISE_TASK");
    }

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new ConfigException(null, flag + " needs a value");
        }
        return args.get(i);
    }

    private static int parsePort(String port) {
        try {
            return Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("httpPort", "expected a port number, got '" + port + "'");
        }
    }

    private static void report(PrintStream err, RuntimeException e, boolean verbose) {
        err.println("error: " + e.getMessage());
        if (verbose) {
            e.printStackTrace(err);
        } else if (e.getCause() != null && e instanceof TaskFailedException) {
            err.println("(run with --verbose for the stack trace)");
        }
    }
}
