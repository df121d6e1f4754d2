package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deploys a pipeline on one kind of compute: renders its tasks into deployment files, applies
 * them, reports their status and deletes them. {@link K8sManager} deploys on Kubernetes,
 * {@link ECSManager} on Amazon ECS.
 *
 * <p>Every method checks the pipeline first (an image for each task, no local file locations, no
 * secret values, known deploy keys) and throws a {@link ConfigException} located in the
 * pipeline file for the first mistake. Rendering is pure and deterministic: the same pipeline
 * gives the same files, byte for byte. {@link #apply}, {@link #status} and {@link #delete} call
 * the platform's API and block until it answers. Instances are not thread-safe.
 */
public interface TaskManager extends AutoCloseable {

    /**
     * Loads a pipeline file for deployment. Like {@link Pipeline#load(Path, Map)}, except that a
     * variable named in a {@code secrets:} mapping (of the defaults or of any task) is never
     * expanded from {@code env}, set or not: the container gets it from the secret, and its value
     * on this machine must not reach a deployment file. It is given a stand-in value for the
     * check; where a deployment setting uses it, the files carry a reference the container
     * expands (Kubernetes' {@code $(VAR)}, an ECS secret), or rendering refuses it. The
     * pipeline's warnings include literals that look like credentials.
     *
     * @throws ConfigException located at file:line:column for any mistake
     */
    static Pipeline load(Path file, Map<String, String> env) {
        Map<String, String> withSecrets = new HashMap<>(env);
        for (String variable : TaskDocument.secretVariables(file)) {
            withSecrets.put(variable, DeployedTask.standIn(variable));
        }
        Pipeline pipeline = Pipeline.load(file, withSecrets);
        List<String> warnings = new java.util.ArrayList<>(pipeline.warnings());
        warnings.addAll(TaskDocument.secretLiteralWarnings(file));
        return new Pipeline(pipeline.name(), pipeline.file(), pipeline.tasks(), warnings);
    }

    /**
     * Refuses a secret written inline in a pipeline file (a {@code password:}, a key, a
     * {@code password=} in {@code sasl.jaas.config}, a URL with a password): such a value would
     * reach the deployment files. {@code geniusrise validate} and {@code generate} apply it.
     *
     * @throws ConfigException located at the value, which it never quotes
     */
    static void refuseInlineSecrets(Path file) {
        TaskDocument.refuseInlineSecrets(file);
    }

    /**
     * Checks deploy settings given on a command line ({@code --deploy KEY=VALUE}, put over every
     * task's {@code deploy:}): each key must be one a target reads, and each value must be what its
     * setting expects.
     *
     * @throws ConfigException naming {@code --deploy KEY=VALUE}: the nearest known key, or what was expected
     */
    static void checkCommandLineSettings(Map<String, String> settings) {
        DeployOptions.checkCommandLine(settings);
    }

    /**
     * Checks {@code task}, its {@code deploy:} settings with the command line's {@code settings}
     * put over them, against the checks of {@code target} that span settings and the task (an ECS
     * cluster given by name for a scheduled task): a mistake in a value from the command line is
     * reported as the command line's. Mistakes in the file's own values are left to the
     * manager, which locates them at the task.
     *
     * @throws ConfigException naming {@code --deploy KEY=VALUE}
     */
    static void checkCommandLineSettings(Map<String, String> settings, TaskSpec task, String target) {
        DeployOptions.checkCommandLine(settings, task, target);
    }

    /**
     * Compares each autoscaled task's {@code deploy.autoscale.max} with the partition count of its
     * input topic, where the task's brokers answer from here: it describes the topic with the task's
     * own Kafka properties (secrets they use taken from {@code env}, never printed), waiting at most
     * {@code timeout}. Replicas beyond {@code ceil(partitions / inputConfig.concurrency)} would get
     * no partition, in every {@code ordering}: each such task gets a warning, and on ECS
     * ({@code target} {@code ecs}, where nothing caps at run time) its {@code max} (and a {@code min}
     * above it) is lowered to that count in the pipeline returned. A check that cannot be made (no
     * brokers in the file, a secret not set here, brokers unreachable) is reported and skipped, never
     * an error. {@code notes} gets one line per warning ({@code warning: ...}) or skip ({@code note: ...}).
     *
     * @return {@code pipeline}, capped as above on ECS
     */
    static Pipeline checkPartitions(Pipeline pipeline, String target, Map<String, String> env,
                                    java.time.Duration timeout, java.util.function.Consumer<String> notes) {
        return new PartitionCheck(env, timeout, notes).check(pipeline, target.equals("ecs"));
    }

    /**
     * {@code task} with {@code settings} put over its {@code deploy:} settings (the command line's
     * {@code --deploy KEY=VALUE}, say).
     */
    static TaskSpec withDeploySettings(TaskSpec task, Map<String, ?> settings) {
        if (settings.isEmpty()) {
            return task;
        }
        TaskSpec.Deployment d = task.deployment();
        Map<String, Object> merged = new LinkedHashMap<>(d.target());
        merged.putAll(settings);
        return task.toBuilder().deployment(new TaskSpec.Deployment(d.image(), d.replicas(), d.schedule(),
                d.parallelism(), d.resources(), d.env(), d.secrets(), merged)).build();
    }

    /**
     * Checks what {@code generate} and {@code apply} would check of {@code pipeline}'s values, for
     * the target each task names ({@code deploy.target}, else {@code k8s}): resources, schedules,
     * secret references, ports. What may still come from the command line ({@code --deploy}) or
     * only a deployment needs (an image, remote locations) is not required, since {@code run} uses
     * the same file locally. Nothing is contacted.
     *
     * @throws ConfigException located at the value at fault
     */
    static void checkValues(Pipeline pipeline) {
        Map<String, List<TaskSpec>> byTarget = new LinkedHashMap<>();
        for (TaskSpec task : pipeline.tasks()) {
            Object own = task.deployment().target().get(DeploySettings.TARGET.name());
            byTarget.computeIfAbsent(own == null ? "k8s" : own.toString().trim(), k -> new ArrayList<>()).add(task);
        }
        byTarget.forEach((target, tasks) -> {
            Pipeline part = new Pipeline(pipeline.name(), pipeline.file(), tasks, pipeline.warnings());
            if (target.equals("ecs")) {
                try (ECSManager manager = new ECSManager()) {
                    manager.checkValues(part);
                }
            } else {
                try (K8sManager manager = new K8sManager()) {
                    manager.checkValues(part);
                }
            }
        });
    }

    /** The target this manager deploys on: {@code k8s} or {@code ecs}, as in {@code deploy.target}. */
    String target();

    /**
     * The deployment files for {@code pipeline}, named relative to an output folder, in a stable
     * order. Nothing is contacted.
     *
     * @throws ConfigException located in the pipeline file, for a task that cannot be deployed
     */
    List<DeploymentFile> render(Pipeline pipeline);

    /**
     * Renders {@code pipeline} and writes its files under {@code folder} (created when missing),
     * replacing files of the same names; returns the paths written.
     */
    default List<Path> write(Pipeline pipeline, Path folder) {
        List<DeploymentFile> files = render(pipeline);
        try {
            Files.createDirectories(folder);
            List<Path> written = new java.util.ArrayList<>();
            for (DeploymentFile f : files) {
                Path target = folder.resolve(f.name());
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.content(), StandardCharsets.UTF_8);
                written.add(target);
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write deployment files under " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates or updates everything {@code pipeline} needs, and removes what an earlier apply of
     * the same pipeline created that it no longer has (where the platform allows it). With
     * {@code dryRun}, only reports what it would do.
     *
     * @return what was (or would be) changed, in order
     */
    List<Change> apply(Pipeline pipeline, boolean dryRun);

    /** The state of each task of {@code pipeline} on the platform, in the pipeline's order. */
    List<TaskStatus> status(Pipeline pipeline);

    /** Removes what the pipeline created, and nothing else; returns what was removed. */
    List<Change> delete(Pipeline pipeline);

    /** Releases the platform client. */
    @Override
    void close();
}
