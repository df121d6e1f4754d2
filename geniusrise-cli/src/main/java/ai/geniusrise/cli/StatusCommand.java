package ai.geniusrise.cli;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.deploy.TaskManager;
import ai.geniusrise.deploy.TaskStatus;
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

/** {@code geniusrise status}: shows each task of a deployed pipeline. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows each task of a deployed pipeline: ready and desired replicas of streaming tasks, "
                + "last and next runs of scheduled ones, the state of one-shot runs.",
                "Exits 0 when shown, 1 when the platform cannot be reached, 2 for a mistake in the pipeline."},
        footer = {"", "Examples:", "  geniusrise status pipeline.yaml", "  geniusrise status -f pipeline.yaml --target ecs"})
final class StatusCommand implements Callable<Integer> {

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
        out.printf("%-24s %-7s %-12s %-40s %s%n", "TASK", "TARGET", "KIND", "NAME", "STATUS");
        for (Map.Entry<String, Pipeline> part : targets.split(pipeline).entrySet()) {
            try (TaskManager manager = TargetOptions.manager(part.getKey())) {
                List<TaskStatus> status = TargetOptions.onPlatform(part.getKey(), "status",
                        () -> manager.status(part.getValue()));
                for (TaskStatus s : status) {
                    out.printf("%-24s %-7s %-12s %-40s %s%n", s.task(), part.getKey(), s.kind(), s.name(), s.summary());
                }
            }
        }
        return 0;
    }
}
