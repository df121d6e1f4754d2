package ai.geniusrise.cli;

import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.deploy.DeploymentFile;
import ai.geniusrise.deploy.TaskManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code geniusrise generate}: writes the Kubernetes or ECS deployment files of a pipeline. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Writes the deployment files of a pipeline: Kubernetes YAML (kubectl apply -f) under "
                + "DIR/k8s/, ECS JSON (aws ... --cli-input-json) under DIR/ecs/. Contacts nothing.",
                "A target folder's earlier .yaml and .json files are replaced, so a removed task's files go too.",
                "Exits 0 when written, 2 with a located message when the pipeline cannot be deployed."},
        footer = {"", "Examples:", "  geniusrise generate pipeline.yaml",
                "  geniusrise generate pipeline.yaml --target ecs -o build/deploy",
                "  kubectl apply -f deploy/clicks/k8s/"})
final class GenerateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PIPELINE.yaml", description = "The pipeline file.")
    Path file;

    @Mixin
    TargetOptions targets;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "Where to write (default: deploy/<pipeline>); files go to DIR/k8s/ and DIR/ecs/.")
    Path output;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        Pipeline pipeline = TargetOptions.requireBuiltIns(TargetOptions.load(file, command.commandLine().getErr()));
        Path base = output != null ? output : Path.of("deploy", pipeline.name());
        for (Map.Entry<String, Pipeline> part : targets.split(pipeline).entrySet()) {
            Path folder = base.resolve(part.getKey());
            try (TaskManager manager = TargetOptions.manager(part.getKey())) {
                List<DeploymentFile> files = manager.render(part.getValue());
                clear(folder);
                write(folder, files);
                int tasks = part.getValue().tasks().size();
                out.println("wrote " + files.size() + " file" + (files.size() == 1 ? "" : "s") + " for " + tasks
                        + " task" + (tasks == 1 ? "" : "s") + " to " + folder);
            }
        }
        return 0;
    }

    private static void write(Path folder, List<DeploymentFile> files) {
        try {
            Files.createDirectories(folder);
            for (DeploymentFile f : files) {
                Files.writeString(folder.resolve(f.name()), f.content(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write deployment files under " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Removes the earlier .yaml and .json files of a target folder. */
    private static void clear(Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json")).toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + folder + ": " + e.getMessage(), e);
        }
    }
}
