package ai.geniusrise.core;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.TaskRunner;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The entry point of a task's container: {@code public static void main(String[] args) {
 * Geniusrise.run(MyBolt.class, args); }}.
 *
 * <p>Arguments and environment variables are those of {@link RunArguments}, the same as
 * {@code geniusrise run}'s for one task, so that the files {@code geniusrise generate} writes start
 * this {@code main} too: {@code [run] PIPELINE.yaml|env:NAME [--task NAME] [--run-id ID]
 * [--http-port PORT] [--logical-time TIME] [--shutdown-timeout DURATION] [--verbose]}. Without
 * {@code --task}, the task is the pipeline's only task whose {@code class} is the given class. The
 * given class runs the task it names and any task of its kind (spout or bolt) that names no
 * {@code class:}; a task naming another class runs that class, and a spout naming none its
 * built-in spout when the given class is a bolt.
 *
 * <p>Exit codes: 0 when the task finished, 1 when it failed, 2 for a configuration or usage
 * mistake. Errors are one message naming the task, the file:line:column or the record position; a
 * stack trace only with {@code --verbose}. SIGTERM stops the task within the shutdown timeout (30
 * seconds by default), and the summary line is printed before the JVM exits.
 */
public final class Geniusrise {

    /** Exit code of a finished run. */
    public static final int OK = 0;
    /** Exit code of a failed run. */
    public static final int FAILED = 1;
    /** Exit code of a configuration mistake. */
    public static final int CONFIG_ERROR = 2;

    private Geniusrise() {
    }

    /** Runs {@code taskClass} as described by {@code args} and the environment, then exits the JVM. */
    public static void run(Class<? extends Task> taskClass, String[] args) {
        System.exit(execute(taskClass, List.of(args), System.getenv(), System.err));
    }

    /**
     * Runs {@code taskClass} as {@link #run} does, with {@code env} for the environment and
     * messages to {@code err}, and returns the exit code instead of exiting: for tests of a
     * {@code main}, and for programs that start tasks among other work.
     */
    public static int execute(Class<? extends Task> taskClass, List<String> args, Map<String, String> env,
                              PrintStream err) {
        boolean verbose = args.contains(RunArguments.VERBOSE);
        try {
            RunArguments arguments = RunArguments.parse(args, env);
            Pipeline pipeline = arguments.loadPipeline();
            pipeline.warnings().forEach(w -> err.println("warning: " + w));
            TaskSpec spec = arguments.task() != null ? pipeline.requireTask(arguments.task())
                    : onlyTaskOf(pipeline, taskClass);
            // both printed before run() returns: after SIGTERM the JVM exits as soon as it has
            TaskRunner.Builder runner = arguments.runner(spec, pipeline.name()).classLoader(taskClass.getClassLoader())
                    .onFinished(summary -> err.println(summary.describe(spec)))
                    .onFailed(e -> report(err, e, verbose));
            if (runs(taskClass, spec)) {
                runner.task(TaskHandle.instantiate(taskClass.getName(), taskClass.getClassLoader(), "class").task());
            }
            try {
                runner.build().run();
            } catch (RuntimeException reported) {
                return exitCode(reported);
            }
            return OK;
        } catch (RuntimeException e) {
            report(err, e, verbose);
            return exitCode(e);
        }
    }

    private static int exitCode(RuntimeException e) {
        return e instanceof ConfigException ? CONFIG_ERROR : FAILED;
    }

    /** Whether {@code taskClass} runs {@code spec}: the class it names, or a task of its kind naming none. */
    private static boolean runs(Class<? extends Task> taskClass, TaskSpec spec) {
        if (spec.className() != null) {
            return spec.className().equals(taskClass.getName());
        }
        return Spout.class.isAssignableFrom(taskClass) == (spec.kind() == TaskSpec.Kind.SPOUT);
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

    private static void report(PrintStream err, RuntimeException e, boolean verbose) {
        boolean expected = e instanceof ConfigException || e instanceof TaskFailedException;
        err.println("error: " + (expected ? e.getMessage() : "unexpected " + e));
        if (verbose) {
            e.printStackTrace(err);
        } else if (e.getCause() != null && e instanceof TaskFailedException) {
            err.println("(run with --verbose for the stack trace)");
        }
    }
}
