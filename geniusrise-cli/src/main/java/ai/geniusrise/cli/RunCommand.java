package ai.geniusrise.cli;

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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

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
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        Pipeline pipeline = pipelineOptions.load(command.commandLine().getErr());
        ClassLoader loader = pipelineOptions.classLoader();
        List<TaskSpec> tasks = task != null ? List.of(pipeline.requireTask(task)) : pipeline.inDependencyOrder();
        for (TaskSpec spec : tasks) {
            TaskRunner.Builder runner = TaskRunner.builder(spec).pipelineName(pipeline.name()).classLoader(loader)
                    .runId(runId).handleSignals(shutdownTimeout);
            if (httpPort >= 0) {
                runner.httpPort(httpPort);
            }
            RunSummary summary = runner.build().run();
            out.println(describe(summary));
        }
        return 0;
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
