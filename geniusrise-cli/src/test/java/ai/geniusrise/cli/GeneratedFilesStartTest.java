package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.UppercaseBolt;
import ai.geniusrise.core.Geniusrise;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.deploy.DeploySettings;
import ai.geniusrise.testkit.s3.EmbeddedS3;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seam between {@code geniusrise generate} and the container: for every workload the
 * generated Kubernetes and ECS files describe, the exact container arguments and environment they
 * give (the ConfigMap's pipeline file placed where it is mounted, in a temporary folder; the ECS
 * variable holding the pipeline) start the task through both entry points — the
 * {@code geniusrise} command and a user's {@code main} calling {@code Geniusrise.run}. Each
 * start must get past argument parsing and pipeline loading into the named task: it finishes, or
 * fails with an error located in that task (here there is no cluster, no S3 and no Kafka, and the
 * seed's classes are not on the class path), never with a usage or pipeline error.
 */
@Timeout(600)
class GeneratedFilesStartTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("../geniusrise-examples/pipelines");
    private static final Path CORE_SEEDS = Path.of("../geniusrise-core/src/test/resources/pipelines");
    private static final Path CLI_SEEDS = Path.of("src/test/resources/deploy");

    @TempDir
    Path dir;

    /** What the platform's secret store holds: the value of each secret, by the variable it is given in. */
    private Map<String, String> secretStore = Map.of();

    @BeforeAll
    static void noCloudMetadata() {
        // no instance metadata here: let the AWS SDK give up at once instead of probing it
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    /** One container the files start: its arguments and environment, and the task it must run. */
    record Workload(String target, String pipeline, String file, String task, List<String> args,
                    Map<String, String> env) {
    }

    @Test
    void everyGeneratedWorkloadStartsItsTaskThroughBothEntryPoints() throws Exception {
        HttpServer events = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] sample = Files.readAllBytes(EXAMPLES.resolve("data").resolve("events.json"));
        events.createContext("/events.json", exchange -> {
            exchange.sendResponseHeaders(200, sample.length);
            try (var body = exchange.getResponseBody()) {
                body.write(sample);
            }
        });
        events.start();
        try (EmbeddedS3 s3 = EmbeddedS3.builder().build().start()) {
            secretStore = Map.of("S3_ACCESS_KEY_ID", s3.accessKeyId(), "S3_SECRET_ACCESS_KEY", s3.secretAccessKey());
            startEveryWorkload(s3, events);
        } finally {
            events.stop(0);
        }
    }

    private void startEveryWorkload(EmbeddedS3 s3, HttpServer events) throws Exception {
        List<Path> pipelines = new ArrayList<>();
        pipelines.add(deployable(concreteSeed("seed-batch.yaml", "https://exports.example.com/daily/orders.jsonl"),
                "seed-batch", null));
        pipelines.add(deployable(concreteSeed("seed-streaming.yaml", "http://0.0.0.0:9000/events"),
                "seed-streaming", null));
        pipelines.add(CLI_SEEDS.resolve("seed-batch.yaml"));
        pipelines.add(CLI_SEEDS.resolve("seed-streaming.yaml"));
        // the seed's bolt in three pods: an Indexed Job
        pipelines.add(deployable(CLI_SEEDS.resolve("seed-batch.yaml"), "sharded", t -> t.put("parallelism", 3)));
        try (Stream<Path> examples = Files.list(EXAMPLES)) {
            for (Path p : examples.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                pipelines.add(deployable(p, "example-" + p.getFileName().toString().replace(".yaml", ""), null));
            }
        }
        // the batch-s3 example once more, its task env: pointing at an S3 store and an HTTP source that run
        // here, so that its spout's container runs to the end
        String bucket = s3.createBucket("generated");
        pipelines.add(deployable(EXAMPLES.resolve("batch-s3.yaml"), "reachable", null, Map.of(
                "S3_ENDPOINT", s3.endpoint(), "S3_BUCKET", bucket,
                "EVENTS_URL", "http://127.0.0.1:" + events.getAddress().getPort() + "/events.json")));

        List<Workload> workloads = new ArrayList<>();
        List<String> finished = new ArrayList<>();
        TreeSet<String> kinds = new TreeSet<>();
        List<String> refused = new ArrayList<>();
        for (Path pipeline : pipelines) {
            for (String target : List.of("k8s", "ecs")) {
                Path out = dir.resolve("generated").resolve(pipeline.getFileName() + "-" + target);
                CliRun generated = CliRun.of("generate", pipeline.toString(), "--target", target, "-o", out.toString());
                if (generated.exitCode() != 0) {
                    refused.add(pipeline + " on " + target + ": " + generated.err().strip());
                    continue;
                }
                workloads.addAll(target.equals("k8s") ? kubernetes(out.resolve("k8s"), kinds) : ecs(out.resolve("ecs"),
                        kinds));
            }
        }
        refused.forEach(r -> System.out.println("[not deployable] " + r));
        assertThat(refused).as("pipelines that must deploy").noneMatch(r -> r.contains("seed"));
        assertThat(kinds).as("generated objects").contains("Job", "CronJob", "Deployment", "IndexedJob",
                "ecs:task-definition", "ecs:run-task", "ecs:schedule", "ecs:service");

        List<String> failures = new ArrayList<>();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            for (Workload w : workloads) {
                check(w, "geniusrise", () -> {
                    StringWriter out = new StringWriter();
                    StringWriter err = new StringWriter();
                    int code = GeniusriseCommand.execute(w.args().toArray(String[]::new), w.env(),
                            new PrintWriter(out, true), new PrintWriter(err, true));
                    return new CliRun(code, out.toString(), err.toString());
                }, runner, failures, finished);
                check(w, "Geniusrise.run", () -> {
                    ByteArrayOutputStream err = new ByteArrayOutputStream();
                    int code = Geniusrise.execute(UppercaseBolt.class, w.args(), w.env(),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
                    return new CliRun(code, "", err.toString(StandardCharsets.UTF_8));
                }, runner, failures, finished);
            }
        } finally {
            runner.shutdownNow();
        }
        assertThat(failures).as("%d workloads started through both entry points", workloads.size()).isEmpty();
        assertThat(finished).as("containers that ran their task to the end")
                .contains("geniusrise k8s reachable batch-spout", "Geniusrise.run k8s reachable batch-spout",
                        "geniusrise ecs reachable batch-spout", "Geniusrise.run ecs reachable batch-spout");
    }

    private void check(Workload w, String entry, java.util.concurrent.Callable<CliRun> start, ExecutorService runner,
                       List<String> failures, List<String> finished) throws Exception {
        Future<CliRun> started = runner.submit(start);
        CliRun run = started.get(120, TimeUnit.SECONDS);
        Pipeline pipeline = Pipeline.load(Path.of(w.file()), w.env());
        int index = pipeline.tasks().indexOf(pipeline.requireTask(w.task()));
        String all = run.out() + run.err();
        boolean done = run.exitCode() == 0 && all.contains("task '" + w.task() + "' done");
        // the error itself, not a warning before it, must be about the task
        String first = all.lines().filter(l -> l.startsWith("task '") || l.startsWith("error:")).findFirst().orElse("");
        boolean inTask = run.exitCode() != 0 && first.startsWith("error:") && (first.contains("tasks[" + index + "]")
                || first.contains("task '" + w.task() + "'")) && !first.contains("usage:");
        System.out.println("[start] " + entry + " " + w.task() + " (" + Path.of(w.file()).getFileName() + "): exit "
                + run.exitCode() + ": " + first);
        if (done) {
            finished.add(entry + " " + w.target() + " " + w.pipeline() + " " + w.task());
        }
        if (!done && !inTask) {
            failures.add(entry + " " + w.args() + " (" + w.file() + ") exited " + run.exitCode() + ":\n" + all);
        }
    }

    /** The seed's text, its placeholder URL made concrete. */
    private Path concreteSeed(String name, String url) throws IOException {
        String text = Files.readString(CORE_SEEDS.resolve(name)).replace("external-source-url", url);
        assertThat(text).contains(url);
        return Files.writeString(dir.resolve(name), text);
    }

    /**
     * A copy of {@code pipeline} with what deployment needs and the file does not say (an image,
     * the ECS network) under {@code defaults:}, named {@code name}; {@code taskChange} edits the
     * last task.
     */
    private Path deployable(Path pipeline, String name, java.util.function.Consumer<ObjectNode> taskChange)
            throws IOException {
        return deployable(pipeline, name, taskChange, Map.of());
    }

    /** {@link #deployable(Path, String, java.util.function.Consumer)} with {@code env} under {@code defaults.env}. */
    private Path deployable(Path pipeline, String name, java.util.function.Consumer<ObjectNode> taskChange,
                            Map<String, String> env) throws IOException {
        ObjectNode root = (ObjectNode) YAML.readTree(pipeline.toFile());
        root.put("name", name);
        ObjectNode defaults = root.has("defaults") ? (ObjectNode) root.get("defaults") : root.putObject("defaults");
        if (!env.isEmpty()) {
            ObjectNode envNode = defaults.putObject("env");
            env.forEach(envNode::put);
            // the store's credentials come from the platform's secret store, as they must
            defaults.putObject("secrets").put("S3_ACCESS_KEY_ID", "s3-credentials/id")
                    .put("S3_SECRET_ACCESS_KEY", "s3-credentials/secret");
        }
        if (!defaults.has("image")) {
            defaults.put("image", "ghcr.io/acme/pipelines:1.0.0");
        }
        ObjectNode deploy = defaults.has("deploy") ? (ObjectNode) defaults.get("deploy") : defaults.putObject("deploy");
        Map<String, Object> ecs = Map.of(DeploySettings.CLUSTER.name(), "arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines",
                DeploySettings.REGION.name(), "eu-west-1",
                DeploySettings.EXECUTION_ROLE_ARN.name(), "arn:aws:iam::123456789012:role/geniusrise-execution",
                DeploySettings.SCHEDULER_ROLE_ARN.name(), "arn:aws:iam::123456789012:role/geniusrise-scheduler");
        ecs.forEach((k, v) -> {
            if (!deploy.has(k)) {
                deploy.put(k, v.toString());
            }
        });
        if (!deploy.has(DeploySettings.SUBNETS.name())) {
            deploy.putArray(DeploySettings.SUBNETS.name()).add("subnet-0a1b2c3d");
        }
        if (taskChange != null) {
            ArrayNode tasks = (ArrayNode) root.get("tasks");
            taskChange.accept((ObjectNode) tasks.get(tasks.size() - 1));
        }
        Path schemas = pipeline.resolveSibling("schemas"); // schema files an example names, relative to it
        if (Files.isDirectory(schemas) && !Files.isDirectory(dir.resolve("schemas"))) {
            Files.createDirectories(dir.resolve("schemas"));
            try (Stream<Path> each = Files.list(schemas)) {
                for (Path schema : each.toList()) {
                    Files.copy(schema, dir.resolve("schemas").resolve(schema.getFileName()));
                }
            }
        }
        Path copy = dir.resolve(name + "-deployable.yaml");
        YAML.writeValue(copy.toFile(), root);
        return copy;
    }

    /** The workloads of the Kubernetes files in {@code folder}: their pods' first container, ConfigMaps mounted. */
    private List<Workload> kubernetes(Path folder, TreeSet<String> kinds) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.sorted().toList()) {
                YAML.readerFor(JsonNode.class).readValues(f.toFile()).forEachRemaining(d -> docs.add((JsonNode) d));
            }
        }
        Map<String, JsonNode> configMaps = new LinkedHashMap<>();
        docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap"))
                .forEach(d -> configMaps.put(d.path("metadata").path("name").asText(), d.path("data")));
        List<Workload> out = new ArrayList<>();
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            JsonNode jobSpec = switch (kind) {
                case "Job", "Deployment", "StatefulSet" -> d.path("spec");
                case "CronJob" -> d.path("spec").path("jobTemplate").path("spec");
                default -> null;
            };
            if (jobSpec == null) {
                continue;
            }
            boolean indexed = jobSpec.path("completionMode").asText().equals("Indexed");
            kinds.add(indexed ? "IndexedJob" : kind);
            JsonNode pod = jobSpec.path("template").path("spec");
            JsonNode container = pod.path("containers").get(0);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("HOSTNAME", d.path("metadata").path("name").asText() + "-0");
            if (indexed) {
                env.put("JOB_COMPLETION_INDEX", "0");
            }
            for (JsonNode e : container.path("env")) {
                String name = e.path("name").asText();
                env.put(name, e.has("value") ? e.path("value").asText() : secretStore.getOrDefault(name, "secret"));
            }
            Map<String, String> volumeToConfigMap = new LinkedHashMap<>();
            for (JsonNode v : pod.path("volumes")) {
                if (v.has("configMap")) {
                    volumeToConfigMap.put(v.path("name").asText(), v.path("configMap").path("name").asText());
                }
            }
            List<String> args = new ArrayList<>();
            container.path("args").forEach(a -> args.add(a.asText()));
            for (JsonNode m : container.path("volumeMounts")) {
                String configMap = volumeToConfigMap.get(m.path("name").asText());
                if (configMap == null) {
                    continue;
                }
                String mountPath = m.path("mountPath").asText();
                Path mounted = Files.createDirectories(dir.resolve("mounts").resolve(folder.getParent().getFileName()
                        + "-" + d.path("metadata").path("name").asText()));
                for (var field : (Iterable<Map.Entry<String, JsonNode>>) configMaps.get(configMap)::fields) {
                    Files.writeString(mounted.resolve(field.getKey()), field.getValue().asText());
                }
                args.replaceAll(a -> a.startsWith(mountPath + "/") ? mounted + a.substring(mountPath.length()) : a);
            }
            String file = args.stream().filter(a -> a.startsWith(dir.toString())).findFirst().orElseThrow();
            out.add(new Workload("k8s", d.path("metadata").path("labels").path("geniusrise.ai/pipeline").asText(),
                    file, taskOf(args), List.copyOf(args), env));
        }
        return out;
    }

    /** The workloads of the ECS files in {@code folder}: each task definition (what runs it overrides nothing). */
    private List<Workload> ecs(Path folder, TreeSet<String> kinds) throws IOException {
        List<Workload> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                String kind = name.substring(name.indexOf('.') + 1, name.lastIndexOf('.'));
                kinds.add("ecs:" + kind);
                if (!kind.equals("task-definition")) {
                    assertThat(Files.readString(f)).as("%s overrides no container (this test reads none)", f)
                            .doesNotContain("containerOverrides").doesNotContain("ContainerOverrides");
                    continue;
                }
                JsonNode container = JSON.readTree(f.toFile()).path("containerDefinitions").get(0);
                Map<String, String> env = new LinkedHashMap<>();
                for (JsonNode e : container.path("environment")) {
                    env.put(e.path("name").asText(), e.path("value").asText());
                }
                for (JsonNode s : container.path("secrets")) {
                    env.put(s.path("name").asText(), secretStore.getOrDefault(s.path("name").asText(), "secret"));
                }
                List<String> args = new ArrayList<>();
                container.path("command").forEach(a -> args.add(a.asText()));
                String variable = args.stream().filter(a -> a.startsWith("env:")).findFirst().orElseThrow()
                        .substring(4);
                Path file = dir.resolve("ecs-" + folder.getParent().getFileName() + "-" + name + ".yaml");
                Files.writeString(file, env.get(variable));
                String pipelineName = Pipeline.parse(env.get(variable), file, env).name();
                out.add(new Workload("ecs", pipelineName, file.toString(), taskOf(args), List.copyOf(args), env));
            }
        }
        return out;
    }

    private static String taskOf(List<String> args) {
        int i = args.indexOf("--task");
        assertThat(i).as("the task is named in %s", args).isNotNegative();
        return args.get(i + 1);
    }
}
