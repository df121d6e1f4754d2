package ai.geniusrise.cli;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.deploy.TaskManager;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A command on what applying a pipeline deployed ({@code status}, {@code delete}): it reads the
 * pipeline file given with {@code -f} or as the parameter, splits the pipeline by target and asks
 * each target's task manager in turn.
 */
abstract class DeployedPipelineCommand implements Callable<Integer> {

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
        begin(out);
        for (Map.Entry<String, Pipeline> part : targets.split(pipeline).entrySet()) {
            try (TaskManager manager = TargetOptions.manager(part.getKey())) {
                onTarget(out, pipeline, part.getKey(), part.getValue(), manager);
            }
        }
        return 0;
    }

    /** Called once the pipeline is read, before the first target; prints nothing by default. */
    void begin(PrintWriter out) {
    }

    /**
     * Does the command's work on one target.
     *
     * @param out where the command prints
     * @param pipeline the whole pipeline
     * @param target the target's name
     * @param part the pipeline's tasks on this target
     * @param manager the target's task manager, closed after this call
     */
    abstract void onTarget(PrintWriter out, Pipeline pipeline, String target, Pipeline part, TaskManager manager);
}
