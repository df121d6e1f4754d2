package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.RunArguments;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.settings.Quantities;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;

/** {@code geniusrise run}: runs a whole pipeline in this process, or one task of it. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a pipeline in this process: every task in dependency order (a task runs after the "
                + "tasks whose output it reads), or only the task named by --task, which is what a container runs.",
                "Local mode (whole pipeline only): when streaming tasks name no Kafka brokers (neither in the file "
                        + "nor in KAFKA_BOOTSTRAP_SERVERS), an embedded Kafka is started for them; when an s3:// "
                        + "location has no endpoint option, an embedded S3 store is. Both keep their data under "
                        + ".geniusrise/ beside the pipeline file and stop when the run ends. Streaming tasks run "
                        + "until Ctrl-C, --duration or --until-idle.",
                "Exits 0 when every task finished, 1 when one failed (later tasks do not run), 2 for a "
                        + "configuration mistake, 130 after Ctrl-C (the streaming tasks drain and commit first)."},
        footer = {"", "Examples:", "  geniusrise run pipeline.yaml --classpath target/classes",
                "  geniusrise run pipeline.yaml --until-idle 10s",
                "  geniusrise run pipeline.yaml --serve data",
                "  geniusrise run pipeline.yaml --feed events.jsonl --duration 20s",
                "  geniusrise run pipeline.yaml --task word-count --http-port 8080"})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Parameters(index = "0", arity = "0..1", paramLabel = "PIPELINE.yaml",
            description = "The pipeline file, or env:NAME to read it from the environment variable NAME (how "
                    + "containers on ECS get it). Default: env " + RunArguments.PIPELINE_ENV + ".")
    String file;

    @Mixin
    ClasspathOption classpath;

    // the options a container's task takes: names, variables and parsing are RunArguments'
    @Option(names = {RunArguments.TASK, RunArguments.TASK_SHORT}, paramLabel = "NAME", description = RunArguments.TASK_DOC)
    String task;

    @Option(names = RunArguments.RUN_ID, paramLabel = "ID", description = RunArguments.RUN_ID_DOC)
    String runId;

    @Option(names = RunArguments.HTTP_PORT, paramLabel = "PORT", description = RunArguments.HTTP_PORT_DOC)
    String httpPort;

    @Option(names = RunArguments.LOGICAL_TIME, paramLabel = "TIME", description = RunArguments.LOGICAL_TIME_DOC)
    String logicalTime;

    @Option(names = RunArguments.SHUTDOWN_TIMEOUT, paramLabel = "DURATION",
            description = RunArguments.SHUTDOWN_TIMEOUT_DOC)
    String shutdownTimeout;

    @ParentCommand
    GeniusriseCommand root;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Whole-pipeline run: stop the streaming tasks (drain and commit) after this long, "
                    + "e.g. 30s, 5m, 1h30m or PT5M.")
    Duration duration;

    @Option(names = "--until-idle", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Whole-pipeline run: stop the streaming tasks (drain and commit) once they have read and "
                    + "written no record for this long, e.g. 10s. Bolts report at each commit interval, a spout "
                    + "when its records are acknowledged or every 4096 records.")
    Duration untilIdle;

    @Option(names = "--serve", paramLabel = "DIR",
            description = "Whole-pipeline run: serve the files of DIR over HTTP, read-only, at the "
                    + "http://localhost:PORT/ address the pipeline's batch sources fetch from, while the run lasts "
                    + "(a local stand-in for a remote HTTP source).")
    Path serve;

    @Option(names = "--feed", paramLabel = "FILE",
            description = "Whole-pipeline run: post the lines of FILE, one record per request, to the pipeline's "
                    + "HTTP listener spout, over and over until the run stops (a local stand-in for its clients).")
    Path feed;

    @Option(names = "--feed-rate", paramLabel = "N", defaultValue = "10",
            description = "Records a second that --feed posts (default 10).")
    double feedRate;

    @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Whole-pipeline run: when the output is not a terminal, print a progress line per running "
                    + "task this often (default 10s). On a terminal, a line per task is redrawn every second.")
    Duration progressInterval;

    @Spec
    CommandSpec command;

    /** The container options, read as every entry point reads them (after parsing, before running). */
    private RunArguments arguments;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        Map<String, String> options = new HashMap<>();
        options.put(RunArguments.TASK, task);
        options.put(RunArguments.RUN_ID, runId);
        options.put(RunArguments.HTTP_PORT, httpPort);
        options.put(RunArguments.LOGICAL_TIME, logicalTime);
        options.put(RunArguments.SHUTDOWN_TIMEOUT, shutdownTimeout);
        arguments = RunArguments.of(file, options, root.verbose, root.environment());
        Pipeline pipeline = arguments.loadPipeline();
        pipeline.warnings().forEach(w -> err.println("warning: " + w));
        ClassLoader loader = classpath.classLoader();
        if (feedRate <= 0 || feedRate > 10_000) {
            throw new ConfigException("--feed-rate", "must be more than 0 and at most 10000, got " + feedRate);
        }
        if (arguments.task() != null) {
            if (duration != null || untilIdle != null) {
                throw new ConfigException(duration != null ? "--duration" : "--until-idle",
                        "is for a run of the whole pipeline; with --task the task runs until it is stopped (SIGTERM)");
            }
            if (serve != null || feed != null) {
                throw new ConfigException(serve != null ? "--serve" : "--feed", "is for a local run of the whole "
                        + "pipeline; with --task the task reads its real source");
            }
            TaskSpec spec = pipeline.requireTask(arguments.task());
            // both printed before run() returns: after SIGTERM the JVM exits as soon as it has
            TaskRunner runner = arguments.runner(spec, pipeline.name()).classLoader(loader)
                    .onFinished(summary -> out.println(describe(summary, spec, null)))
                    .onFailed(e -> root.report(e, err)).build();
            try {
                runner.run();
            } catch (RuntimeException reported) {
                return GeniusriseCommand.exitCode(reported);
            }
            return 0;
        }
        CountDownLatch finished = new CountDownLatch(1);
        List<TaskRunner> runners = new CopyOnWriteArrayList<>();
        Thread hook = null;
        try (LocalMode local = LocalMode.start(pipeline.inDependencyOrder(), dataRoot(), System.getenv(), out)) {
            // also without local servers: the summary lines are printed before the hook lets the JVM exit
            hook = stopOnSignal(runners, finished);
            List<TaskSpec> tasks = local.tasks();
            List<TaskRunner> all = new ArrayList<>();
            for (TaskSpec spec : tasks) {
                all.add(runner(spec, pipeline.name(), loader));
            }
            try (FolderServer served = serve == null ? null : FolderServer.start(serve, tasks, out);
                 ProgressDisplay progress = ProgressDisplay.start(() -> all.stream().map(TaskRunner::progress)
                         .toList(), out, ProgressDisplay.isTerminal(), progressInterval)) {
                PrintWriter shown = progress.out();
                if (tasks.stream().noneMatch(TaskSpec::streaming)) {
                    for (int i = 0; i < tasks.size(); i++) {
                        shown.println(describe(all.get(i).run(), tasks.get(i), local.whereIs(tasks.get(i))));
                    }
                    return 0;
                }
                return runTogether(tasks, all, local, shown, runners);
            }
        } catch (RuntimeException e) {
            // printed before the hook lets the JVM exit after a SIGTERM
            return root.report(e, err);
        } finally {
            finished.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    LOG.debug("shutdown in progress: the local-mode hook has seen the run end", shuttingDown);
                }
            }
        }
    }

    /** Where local mode keeps its data: {@code .geniusrise} beside the pipeline file (or in the working folder). */
    private Path dataRoot() {
        String file = arguments.pipeline();
        Path folder = file.startsWith("env:") ? null : Path.of(file).toAbsolutePath().getParent();
        return (folder != null ? folder : Path.of("").toAbsolutePath()).resolve(".geniusrise");
    }

    /**
     * On Ctrl-C or SIGTERM, asks every task to stop and waits for the run to stop them and the
     * servers local mode started, so that tasks drain and commit before the brokers go away.
     */
    private Thread stopOnSignal(List<TaskRunner> runners, CountDownLatch finished) {
        Thread hook = new Thread(() -> {
            runners.forEach(TaskRunner::requestStop);
            try {
                Duration timeout = arguments.shutdownTimeout();
                if (!finished.await(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                    System.err.println("warning: the run did not stop within " + format(timeout)
                            + "; exiting anyway");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "geniusrise-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /**
     * Streaming tasks run until stopped, so in a pipeline with some, each streaming task runs on a
     * thread of its own (started first, so that batch tasks after them find them running) and the
     * batch tasks run in dependency order on this thread. When any task fails, the others are asked
     * to stop and the first failure is reported.
     */
    private int runTogether(List<TaskSpec> tasks, List<TaskRunner> all, LocalMode local, PrintWriter out,
                            List<TaskRunner> runners) throws Exception {
        List<CompletableFuture<RunSummary>> running = new ArrayList<>();
        List<TaskSpec> streaming = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            TaskSpec spec = tasks.get(i);
            if (!spec.streaming()) {
                continue;
            }
            TaskRunner runner = all.get(i);
            runners.add(runner);
            streaming.add(spec);
            CompletableFuture<RunSummary> result = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    result.complete(runner.run());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                    runners.forEach(TaskRunner::requestStop);
                }
            }, "geniusrise-" + spec.name());
            t.start();
            running.add(result);
        }
        try (ListenerFeed posting = feed == null ? null : ListenerFeed.start(feed, feedRate, tasks, out)) {
            try {
                for (int i = 0; i < tasks.size(); i++) {
                    if (!tasks.get(i).streaming()) {
                        out.println(describe(all.get(i).run(), tasks.get(i), local.whereIs(tasks.get(i))));
                    }
                }
            } catch (RuntimeException e) {
                runners.forEach(TaskRunner::requestStop);
                throw e;
            }
            if (duration != null || untilIdle != null) {
                stopWhenDue(runners, running, out, posting);
            }
            for (int i = 0; i < running.size(); i++) {
                try {
                    RunSummary done = running.get(i).get();
                    if (posting != null) {
                        posting.close();
                    }
                    out.println(describe(done, streaming.get(i), local.whereIs(streaming.get(i))));
                } catch (ExecutionException e) {
                    runners.forEach(TaskRunner::requestStop);
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw e;
                }
            }
        }
        return 0;
    }

    /**
     * Waits until the streaming tasks end by themselves, {@link #duration} has passed since they
     * started, or they have read and written nothing for {@link #untilIdle}; then asks them to stop.
     */
    private void stopWhenDue(List<TaskRunner> runners, List<CompletableFuture<RunSummary>> running, PrintWriter out,
                             ListenerFeed posting) throws InterruptedException {
        long start = System.nanoTime();
        long lastChange = start;
        long lastSeen = -1;
        CompletableFuture<Void> all = CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
        while (!all.isDone()) {
            long now = System.nanoTime();
            long seen = runners.stream().mapToLong(TaskRunner::recordsSoFar).sum();
            if (seen != lastSeen) {
                lastSeen = seen;
                lastChange = now;
            }
            if (duration != null && now - start >= duration.toNanos()) {
                out.println("stopping after " + format(duration) + "; draining and committing");
                break;
            }
            if (untilIdle != null && now - lastChange >= untilIdle.toNanos()) {
                out.println("stopping: no records read or written for " + format(untilIdle)
                        + "; draining and committing");
                break;
            }
            Thread.sleep(100);
        }
        if (posting != null) {
            posting.close();
        }
        out.flush();
        runners.forEach(TaskRunner::requestStop);
    }

    private static String format(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private TaskRunner runner(TaskSpec spec, String pipelineName, ClassLoader loader) {
        return arguments.runner(spec, pipelineName).classLoader(loader).build();
    }

    /** What a finished task did and where its output is ({@code where}: a local-mode location, or null). */
    static String describe(RunSummary s, TaskSpec spec, String where) {
        return where == null ? s.describe(spec) : s.describe(spec) + ", " + where;
    }

    /** Reads {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d} or ISO-8601 ({@code PT5M}), as pipeline files do. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return Quantities.positiveDuration(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
