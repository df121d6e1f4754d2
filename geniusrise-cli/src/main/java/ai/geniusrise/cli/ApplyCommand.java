package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code geniusrise apply}: deploys a pipeline. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Deploys a pipeline: on Kubernetes by server-side apply (field manager geniusrise), removing "
                + "what an earlier apply of the same pipeline created that the file no longer has; on ECS by "
                + "registering task definitions, creating or updating services and schedules, running "
                + "one-shot batch tasks, and removing the services and schedules of tasks the file no longer has.",
                "Kubernetes access comes from the kube config (KUBECONFIG, ~/.kube/config) or the pod's service "
                        + "account; AWS region and credentials from the SDK's default chains.",
                "A task with deploy.autoscale is checked against its input topic's partition count where its "
                        + "brokers answer from here (5 s at most): a max above it is warned of, and capped on ECS.",
                "Exits 0 when applied, 1 when the platform refused, 2 for a mistake in the pipeline."},
        footer = {"", "Examples:", "  geniusrise apply -f pipeline.yaml", "  geniusrise apply pipeline.yaml",
                "  geniusrise apply pipeline.yaml --target ecs --dry-run"})
final class ApplyCommand implements Callable<Integer> {

    /** How long apply waits for a task's brokers when it compares deploy.autoscale.max with the partitions. */
    static final Duration PARTITION_CHECK_TIMEOUT = Duration.ofSeconds(5);

    @Option(names = {"-f", "--file"}, paramLabel = "PIPELINE.yaml", description = "The pipeline file.")
    Path fileOption;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PIPELINE.yaml",
            description = "The pipeline file (or give it with -f).")
    Path filePositional;

    @Mixin
    TargetOptions targets;

    @Option(names = "--dry-run", description = "Show what would change; change nothing.")
    boolean dryRun;

    @Spec
    CommandSpec command;

    static Path file(Path option, Path positional) {
        if ((option == null) == (positional == null)) {
            throw new ConfigException(null, option == null ? "give the pipeline file: geniusrise apply -f PIPELINE.yaml"
                    : "give the pipeline file once, either with -f or as an argument");
        }
        return option != null ? option : positional;
    }

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        Pipeline pipeline = TargetOptions.requireBuiltIns(TargetOptions.load(file(fileOption, filePositional),
                command.commandLine().getErr()));
        for (Map.Entry<String, Pipeline> part : targets.split(pipeline).entrySet()) {
            try (TaskManager manager = TargetOptions.manager(part.getKey())) {
                manager.render(part.getValue());
                Pipeline checked = TaskManager.checkPartitions(part.getValue(), part.getKey(), System.getenv(),
                        PARTITION_CHECK_TIMEOUT, command.commandLine().getErr()::println);
                List<Change> changes = TargetOptions.onPlatform(part.getKey(), "apply",
                        () -> manager.apply(checked, dryRun));
                changes.forEach(c -> out.println(part.getKey() + ": " + c));
            }
        }
        return 0;
    }
}
