package ai.geniusrise.cli;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.deploy.TaskManager;
import ai.geniusrise.deploy.TaskStatus;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** {@code geniusrise status}: shows each task of a deployed pipeline. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows each task of a deployed pipeline: ready and desired replicas of streaming tasks, "
                + "last and next runs of scheduled ones, the state of one-shot runs.",
                "Exits 0 when shown, 1 when the platform cannot be reached, 2 for a mistake in the pipeline."},
        footer = {"", "Examples:", "  geniusrise status pipeline.yaml", "  geniusrise status -f pipeline.yaml --target ecs"})
final class StatusCommand extends DeployedPipelineCommand {

    @Override
    void begin(PrintWriter out) {
        out.printf("%-24s %-7s %-12s %-40s %s%n", "TASK", "TARGET", "KIND", "NAME", "STATUS");
    }

    @Override
    void onTarget(PrintWriter out, Pipeline pipeline, String target, Pipeline part, TaskManager manager) {
        List<TaskStatus> status = TargetOptions.onPlatform(target, "status", () -> manager.status(part));
        for (TaskStatus s : status) {
            out.printf("%-24s %-7s %-12s %-40s %s%n", s.task(), target, s.kind(), s.name(), s.summary());
        }
    }
}
