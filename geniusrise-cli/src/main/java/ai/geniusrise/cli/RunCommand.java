package ai.geniusrise.cli;

import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

/** {@code geniusrise run}: runs a whole pipeline in this process, or one task of it. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a pipeline in this process: every task in dependency order (a task runs after the "
                + "tasks whose output it reads), or only the task named by --task, which is what a container runs.",
                "Exits 0 when every task finished, 1 when one failed (later tasks do not run), 2 for a "
                        + "configuration mistake."},
        footer = {"", "Examples:", "  geniusrise run pipeline.yaml --classpath target/classes",
                "  geniusrise run pipeline.yaml --task word-count --http-port 8080"})
final class RunCommand implements Callable<Integer> {

    @Mixin
    PipelineOptions pipelineOptions;

    @Option(names = {"--task", "-t"}, paramLabel = "NAME", description = "Run only this task.")
    String task;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Name of the batch run (its commit marker); a re-run with the same id replaces its output.")
    String runId;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "${env:GENIUSRISE_HTTP_PORT:--1}",
            description = "Serve /healthz, /readyz and /metrics on this port (default: off; env GENIUSRISE_HTTP_PORT).")
    int httpPort;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "PT30S",
            description = "How long SIGTERM waits for the task to stop (ISO-8601, default PT30S).")
    Duration shutdownTimeout;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        Pipeline pipeline = pipelineOptions.load(command.commandLine().getErr());
        ClassLoader loader = pipelineOptions.classLoader();
        List<TaskSpec> tasks = task != null ? List.of(pipeline.requireTask(task)) : pipeline.inDependencyOrder();
        List<TaskSpec> streaming = tasks.stream().filter(RunCommand::isStreaming).toList();
        if (streaming.isEmpty() || tasks.size() == 1) {
            for (TaskSpec spec : tasks) {
                out.println(describe(runner(spec, pipeline.name(), loader).run()));
            }
            return 0;
        }
        return runTogether(tasks, streaming, pipeline.name(), loader, out);
    }

    /**
     * Streaming tasks run until stopped, so in a pipeline with some, each streaming task runs on a
     * thread of its own (started first, so that batch tasks after them find them running) and the
     * batch tasks run in dependency order on this thread. When any task fails, the others are asked
     * to stop and the first failure is reported.
     */
    private int runTogether(List<TaskSpec> tasks, List<TaskSpec> streaming, String pipelineName, ClassLoader loader,
                            PrintWriter out) throws Exception {
        List<TaskRunner> runners = new CopyOnWriteArrayList<>();
        List<CompletableFuture<RunSummary>> running = new ArrayList<>();
        for (TaskSpec spec : streaming) {
            TaskRunner runner = runner(spec, pipelineName, loader);
            runners.add(runner);
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
        try {
            for (TaskSpec spec : tasks) {
                if (!isStreaming(spec)) {
                    out.println(describe(runner(spec, pipelineName, loader).run()));
                }
            }
        } catch (RuntimeException e) {
            runners.forEach(TaskRunner::requestStop);
            throw e;
        }
        for (CompletableFuture<RunSummary> result : running) {
            try {
                out.println(describe(result.get()));
            } catch (ExecutionException e) {
                runners.forEach(TaskRunner::requestStop);
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
        return 0;
    }

    private TaskRunner runner(TaskSpec spec, String pipelineName, ClassLoader loader) {
        TaskRunner.Builder runner = TaskRunner.builder(spec).pipelineName(pipelineName).classLoader(loader)
                .runId(runId).handleSignals(shutdownTimeout);
        if (httpPort >= 0) {
            runner.httpPort(httpPort);
        }
        return runner.build();
    }

    private static boolean isStreaming(TaskSpec spec) {
        return spec.output() instanceof StreamingOutputConfig;
    }

    static String describe(RunSummary s) {
        StringBuilder sb = new StringBuilder();
        sb.append("task '").append(s.task()).append("' done in ")
                .append(String.format(Locale.ROOT, "%.1f s", s.elapsed().toMillis() / 1000.0)).append(": ")
                .append(s.recordsIn()).append(" records in, ").append(s.recordsOut()).append(" out");
        if (s.skipped() > 0) {
            sb.append(", ").append(s.skipped()).append(" skipped");
        }
        if (s.deadLettered() > 0) {
            sb.append(", ").append(s.deadLettered()).append(" dead-lettered");
        }
        sb.append("\n  output: ").append(s.output()).append(" (").append(s.parts().size()).append(" part")
                .append(s.parts().size() == 1 ? "" : "s").append(')');
        return sb.toString();
    }
}
