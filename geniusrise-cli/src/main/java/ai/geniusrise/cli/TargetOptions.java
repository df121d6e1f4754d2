package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.spi.BuiltInTasks;
import ai.geniusrise.deploy.ECSManager;
import ai.geniusrise.deploy.K8sManager;
import ai.geniusrise.deploy.TaskManager;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the deploy commands share: the target, and splitting a pipeline by target. Without
 * {@code --target}, each task goes where its {@code deploy.target} says ({@code k8s} when unset).
 */
final class TargetOptions {

    /** The deploy targets there are. */
    enum Target {
        k8s, ecs
    }

    @Option(names = "--target", paramLabel = "k8s|ecs",
            description = "Deploy every task on this target (default: each task's deploy.target, else k8s).")
    Target target;

    @Option(names = "--deploy", paramLabel = "KEY=VALUE",
            description = {"A deploy: setting for every task, winning over the file (repeatable), e.g. "
                    + "--deploy cluster=arn:aws:ecs:eu-west-1:123456789012:cluster/prod --deploy subnets=subnet-a,subnet-b.",
                    "For what differs between environments (cluster, subnets, roles, namespace) and stays out of "
                            + "the pipeline file."})
    Map<String, String> deploy = new LinkedHashMap<>();

    /** How tests give a manager their own clients; {@code null} builds managers from default configuration. */
    static Function<String, TaskManager> managers;

    static TaskManager manager(String target) {
        if (managers != null) {
            return managers.apply(target);
        }
        return target.equals("ecs") ? new ECSManager() : new K8sManager();
    }

    /** Loads the pipeline for deployment, printing its warnings. */
    static Pipeline load(Path file, PrintWriter err) {
        Pipeline pipeline = TaskManager.load(file, System.getenv());
        pipeline.warnings().forEach(w -> err.println("warning: " + w));
        return pipeline;
    }

    /**
     * Checks that each task naming no {@code class:} has a built-in serving its source (the image
     * runs the built-in; whether its class loads is for {@code validate} to check).
     *
     * @throws ConfigException located at the task's source, listing the sources built-ins serve
     */
    static Pipeline requireBuiltIns(Pipeline pipeline) {
        for (TaskSpec task : pipeline.tasks()) {
            if (task.className() == null) {
                try {
                    BuiltInTasks.resolve(task.kind(), task.input());
                } catch (ConfigException e) {
                    throw task.locate(e);
                }
            }
        }
        return pipeline;
    }

    /** The pipeline's tasks by target, in file order, each part a pipeline of its own. */
    Map<String, Pipeline> split(Pipeline pipeline) {
        TaskManager.checkCommandLineSettings(deploy);
        Map<String, List<TaskSpec>> byTarget = new LinkedHashMap<>();
        for (TaskSpec task : pipeline.tasks()) {
            Object own = task.deployment().target().get("target");
            String t = target != null ? target.name() : own == null ? "k8s" : own.toString().trim();
            byTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(task);
        }
        Map<String, Pipeline> out = new LinkedHashMap<>();
        byTarget.forEach((t, tasks) -> out.put(t, new Pipeline(pipeline.name(), pipeline.file(),
                tasks.stream().map(task -> withCommandLineSettings(task, t)).toList(), pipeline.warnings())));
        return out;
    }

    /** {@code task}, deployed on {@code target}, with the {@code --deploy} settings put over its own. */
    private TaskSpec withCommandLineSettings(TaskSpec task, String target) {
        if (deploy.isEmpty()) {
            return task;
        }
        TaskSpec merged = TaskManager.withDeploySettings(task, deploy);
        TaskManager.checkCommandLineSettings(deploy, merged, target);
        return merged;
    }

    /** Runs {@code action} with a platform failure turned into exit code 1 with a one-line message. */
    static <T> T onPlatform(String target, String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String because = root == e || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
            throw new TaskFailedException(what + " on " + target + " failed: " + e.getMessage() + because, e);
        }
    }
}
