package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.deploy.TaskManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code geniusrise validate}: checks a pipeline file without running anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks a pipeline file: syntax, keys, values, environment variables, the task graph, "
                + "and that every task class (or the built-in spout serving a task without class:) and storage "
                + "scheme can be found. A bolt without class: copies its records unchanged (a notice says so).",
                "Also checks what generate and apply check of each task's values for the target it names "
                + "(deploy.target, else k8s), without requiring what --deploy may still give or only a "
                + "deployment needs (an image, remote locations).",
                "A task class is checked when it can be loaded: from --classpath, or from the classpath of the "
                + "command itself. Without --classpath, a class that is not found is a warning (run would refuse "
                + "it); with --classpath it is an error, with the nearest class name of those jars and folders.",
                "Exits 0 when the pipeline is valid, 2 with a located message when it is not."},
        footer = {"", "Examples:", "  geniusrise validate pipeline.yaml",
                "  geniusrise validate pipeline.yaml --classpath target/classes"})
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    PipelineOptions pipelineOptions;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        Pipeline pipeline = pipelineOptions.load(command.commandLine().getErr());
        TaskManager.refuseInlineSecrets(pipelineOptions.file);
        ClassLoader loader = pipelineOptions.classLoader();
        List<String> candidates = pipelineOptions.classpath.classNames();
        int warnings = pipeline.warnings().size();
        for (TaskSpec task : pipeline.tasks()) {
            if (!pipelineOptions.classpath.given() && task.className() != null
                    && loader.getResource(task.className().replace('.', '/') + ".class") == null) {
                // the user's classes are usually not at hand where a pipeline is checked: say so, and how to check them
                command.commandLine().getErr().println("warning: " + task.locate(new ConfigException("class",
                        "class " + task.className() + " is not on the classpath, so it was not checked; to check it, "
                                + "give the jars or class folders that hold it: geniusrise validate "
                                + pipelineOptions.file + " --classpath PATH")).getMessage());
                warnings++;
            } else {
                task.newTask(loader, candidates);
            }
            if (task.copiesRecords()) {
                command.commandLine().getErr().println("notice: " + task.locate(new ConfigException(null,
                        "bolt '" + task.name() + "' has no class: records are copied unchanged")).getMessage());
            }
            if (task.input() instanceof BatchInputConfig in && task.kind() == TaskSpec.Kind.BOLT) {
                checkScheme(task, in.scheme(), "config.inputConfig.source");
            }
            if (task.output() instanceof BatchOutputConfig out) {
                checkScheme(task, out.scheme(), "config.outputConfig.destination");
            }
        }
        TaskManager.checkValues(pipeline);
        command.commandLine().getOut().println(pipelineOptions.file + ": pipeline '" + pipeline.name() + "' is valid ("
                + pipeline.tasks().size() + " task" + (pipeline.tasks().size() == 1 ? "" : "s") + ", "
                + warnings + " warning" + (warnings == 1 ? "" : "s") + ")");
        return 0;
    }

    private static void checkScheme(TaskSpec task, String scheme, String path) {
        try {
            BatchStorage.forScheme(scheme, path);
        } catch (ConfigException e) {
            throw task.locate(e);
        }
    }
}
