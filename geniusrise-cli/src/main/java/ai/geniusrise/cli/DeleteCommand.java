package ai.geniusrise.cli;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.deploy.Change;
import ai.geniusrise.deploy.TaskManager;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** {@code geniusrise delete}: removes what a pipeline's applies created. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Removes what applying the pipeline created, and nothing else: on Kubernetes every object "
                + "labelled with the pipeline's name and managed by geniusrise; on ECS the tasks' services, "
                + "schedules and task definitions.",
                "Exits 0 when removed (or nothing was there), 1 when the platform refused, 2 for a mistake in "
                        + "the pipeline."},
        footer = {"", "Examples:", "  geniusrise delete pipeline.yaml", "  geniusrise delete -f pipeline.yaml --target ecs"})
final class DeleteCommand extends DeployedPipelineCommand {

    @Override
    void onTarget(PrintWriter out, Pipeline pipeline, String target, Pipeline part, TaskManager manager) {
        List<Change> changes = TargetOptions.onPlatform(target, "delete", () -> manager.delete(part));
        if (changes.isEmpty()) {
            out.println(target + ": nothing of pipeline '" + pipeline.name() + "' was deployed");
        }
        changes.forEach(c -> out.println(target + ": " + c));
    }
}
