package ai.geniusrise.deploy;

import ai.geniusrise.core.pipeline.Pipeline;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every example pipeline of the repository ({@code geniusrise-examples/pipelines/*.yaml}) and
 * both seed examples ({@code geniusrise-cli/src/test/resources/deploy/seed-*.yaml}), made
 * deployable in a copy: an image and the ECS settings when the file has none, a local batch
 * location replaced by {@code s3://examples/...} (a container cannot reach the author's disk),
 * and a class for a bolt written without one (until class-less bolts pass through).
 */
final class Examples {

    private Examples() {
    }

    /** The example files, by path from the repository root. */
    static List<Path> files() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> examples = Files.list(root.resolve("geniusrise-examples/pipelines"));
             Stream<Path> seeds = Files.list(root.resolve("geniusrise-cli/src/test/resources/deploy"))) {
            examples.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
            seeds.filter(p -> p.getFileName().toString().matches("seed-.*\\.yaml")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.size() < 3) {
            throw new IllegalStateException("examples not found under " + root);
        }
        return files;
    }

    /** {@code example} made deployable, written under {@code dir} with its own file name, and loaded. */
    @SuppressWarnings("unchecked")
    static Pipeline load(Path example, Path dir, Map<String, String> env) {
        try {
            Map<String, Object> doc = (Map<String, Object>) new Load(LoadSettings.builder().build())
                    .loadFromString(Files.readString(example, StandardCharsets.UTF_8));
            Map<String, Object> defaults = (Map<String, Object>) doc.computeIfAbsent("defaults",
                    k -> new LinkedHashMap<>());
            defaults.putIfAbsent("image", "ghcr.io/acme/geniusrise:0.1.0");
            Map<String, Object> deploy = (Map<String, Object>) defaults.computeIfAbsent("deploy",
                    k -> new LinkedHashMap<>());
            deploy.putIfAbsent("cluster", "arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines");
            deploy.putIfAbsent("subnets", List.of("subnet-0a1b2c3d"));
            deploy.putIfAbsent("executionRoleArn", "arn:aws:iam::123456789012:role/geniusrise-execution");
            deploy.putIfAbsent("schedulerRoleArn", "arn:aws:iam::123456789012:role/geniusrise-scheduler");
            for (Object item : (List<Object>) doc.get("tasks")) {
                Map<String, Object> task = (Map<String, Object>) item;
                if ("bolt".equals(task.get("type"))) {
                    task.putIfAbsent("class", "com.example.PassThrough");
                }
                Map<String, Object> config = (Map<String, Object>) task.get("config");
                remote((Map<String, Object>) config.get("inputConfig"), "source");
                remote((Map<String, Object>) config.get("outputConfig"), "destination");
                if (task.get("deadLetter") instanceof String dl && !dl.contains("://") && dl.contains("/")) {
                    task.put("deadLetter", "s3://examples/" + dl.replace("../", ""));
                }
            }
            Path schemas = example.resolveSibling("schemas"); // schema files the examples name, relative to them
            if (Files.isDirectory(schemas)) {
                Files.createDirectories(dir.resolve("schemas"));
                try (Stream<Path> each = Files.list(schemas)) {
                    for (Path schema : each.toList()) {
                        Files.copy(schema, dir.resolve("schemas").resolve(schema.getFileName()),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Path copy = dir.resolve(example.getFileName());
            Files.writeString(copy, new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build())
                    .dumpToString(doc), StandardCharsets.UTF_8);
            return TaskManager.load(copy, env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void remote(Map<String, Object> io, String key) {
        if (io != null && "batch".equals(io.get("type")) && io.get(key) instanceof String written) {
            // a local default behind a variable, ${OUT:-../out}, is a local path too
            String location = written.replaceFirst("^\\$\\{[A-Za-z_][A-Za-z0-9_]*:-(.*)}$", "$1");
            if (!location.matches("[A-Za-z][A-Za-z0-9+.-]+://.*") && !location.startsWith("${")) {
                io.put(key, "s3://examples/" + location.replace("../", ""));
            }
        }
    }
}
