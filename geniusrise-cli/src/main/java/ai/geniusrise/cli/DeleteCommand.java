package ai.geniusrise.cli;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.deploy.Change;
import ai.geniusrise.deploy.TaskManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code geniusrise delete}: removes what a pipeline's applies created. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Removes what applying the pipeline created, and nothing else: on Kubernetes every object "
                + "labelled with the pipeline's name and managed by geniusrise; on ECS the tasks' services, "
                + "schedules and task definitions.",
                "Exits 0 when removed (or nothing was there), 1 when the platform refused, 2 for a mistake in "
                        + "the pipeline."},
        footer = {"", "Examples:", "  geniusrise delete pipeline.yaml", "  geniusrise delete -f pipeline.yaml --target ecs"})
final class DeleteCommand implements Callable<Integer> {

    @Option(names = {"-f", "--file"}, paramLabel = "PIPELINE.yaml", description = "The pipeline file.")
    Path fileOption;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PIPELINE.yaml",
            description = "The pipeline file (or give it with -f).")
    Path filePositional;

    @Mixin
    TargetOptions targets;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        Pipeline pipeline = TargetOptions.load(ApplyCommand.file(fileOption, filePositional),
                command.commandLine().getErr());
        for (Map.Entry<String, Pipeline> part : targets.split(pipeline).entrySet()) {
            try (TaskManager manager = TargetOptions.manager(part.getKey())) {
                List<Change> changes = TargetOptions.onPlatform(part.getKey(), "delete",
                        () -> manager.delete(part.getValue()));
                if (changes.isEmpty()) {
                    out.println(part.getKey() + ": nothing of pipeline '" + pipeline.name() + "' was deployed");
                }
                changes.forEach(c -> out.println(part.getKey() + ": " + c));
            }
        }
        return 0;
    }
}
