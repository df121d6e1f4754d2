package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.settings.SettingsDef;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline: named tasks wired through the locations and topics they read and write. Parsed
 * from a pipeline file ({@link #load(Path)}; the reference is {@code docs/pipeline-yaml.md}) or
 * built in code. Immutable.
 *
 * @param name     the pipeline's name ({@code name:}), or the file's base name
 * @param file     the file it was read from, or {@code null}
 * @param tasks    the tasks in file order, defaults merged in
 * @param warnings what is suspicious but not wrong (a bolt reading what no task writes), located
 */
public record Pipeline(String name, Path file, List<TaskSpec> tasks, List<String> warnings) {

    /** Copies the lists. */
    public Pipeline {
        tasks = List.copyOf(tasks);
        warnings = List.copyOf(warnings);
    }

    /**
     * Reads and checks a pipeline file: YAML syntax, keys, types, values, environment variables
     * ({@code ${VAR}}, {@code ${VAR:-default}}), and the graph (no cycles). {@code env} supplies
     * the variables (pass {@code System.getenv()}).
     *
     * @throws ConfigException located at file:line:column for any mistake
     */
    public static Pipeline load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(null, "pipeline file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException(null, "cannot read pipeline file " + file + ": " + e.getMessage(), e);
        }
        return PipelineParser.parse(text, file, env);
    }

    /** {@link #load(Path, Map)} with the process environment. */
    public static Pipeline load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * Parses pipeline text; {@code origin} names it in messages and resolves relative locations
     * (its parent folder), and may be a path that does not exist.
     */
    public static Pipeline parse(String yaml, Path origin, Map<String, String> env) {
        return PipelineParser.parse(yaml, origin, env);
    }

    /** The task named {@code taskName}. */
    public Optional<TaskSpec> task(String taskName) {
        return tasks.stream().filter(t -> t.name().equals(taskName)).findFirst();
    }

    /**
     * The task named {@code taskName}.
     *
     * @throws ConfigException naming the tasks there are, when there is none of that name
     */
    public TaskSpec requireTask(String taskName) {
        return task(taskName).orElseThrow(() -> new ConfigException(null, "pipeline '" + name + "' has no task named '"
                + taskName + "'; its tasks are: " + String.join(", ", tasks.stream().map(TaskSpec::name).toList())));
    }

    /**
     * Whether {@code consumer} reads what {@code producer} writes: the same topic, or the same
     * location or one above or under it (the rules of the graph check in
     * {@code docs/pipeline-yaml.md}). A spout's input is external and is fed by no task.
     */
    public boolean feeds(TaskSpec producer, TaskSpec consumer) {
        return PipelineGraph.feeds(producer, consumer);
    }

    /** The tasks ordered so that each comes after the tasks whose output it reads (file order otherwise). */
    public List<TaskSpec> inDependencyOrder() {
        return PipelineGraph.dependencyOrder(tasks);
    }

    /**
     * The keys of the pipeline file itself (top level, {@code defaults}, a task, its config, each
     * kind of input and output, a {@code schemaRegistry}), by the id of their reference table in
     * {@code docs/pipeline-yaml.md}: the declarations the parser takes its keys from.
     */
    public static Map<String, SettingsDef> fileKeys() {
        return FileKeys.all();
    }
}
