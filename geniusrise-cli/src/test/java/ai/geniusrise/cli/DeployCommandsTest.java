package ai.geniusrise.cli;

import ai.geniusrise.deploy.ECSManager;
import ai.geniusrise.deploy.K8sManager;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import io.fabric8.kubernetes.client.KubernetesClient;
import ai.geniusrise.deploy.ServerSideApplyDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** generate, apply, status, delete, graph and completion as a user runs them. */
class DeployCommandsTest {

    private KubernetesMockServer server;
    private KubernetesClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void useMockCluster() {
        server = ServerSideApplyDispatcher.start();
        client = server.createClient();
        TargetOptions.managers = target -> target.equals("ecs") ? new ECSManager() : new K8sManager(client);
    }

    @AfterEach
    void forgetMockCluster() {
        TargetOptions.managers = null;
        client.close();
        server.destroy();
    }

    static Path seed(String name) {
        try {
            return Path.of(Objects.requireNonNull(DeployCommandsTest.class.getResource("/deploy/" + name + ".yaml"))
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return String.join(",", files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void generateWritesEachTargetsFilesUnderTheOutputFolder() throws IOException {
        CliRun k8s = CliRun.of("generate", seed("seed-streaming").toString(), "-o", dir.toString());
        assertThat(k8s.exitCode()).as(k8s.err()).isZero();
        assertThat(k8s.out()).contains("wrote 2 files for 2 tasks to " + dir.resolve("k8s"));
        assertThat(list(dir.resolve("k8s"))).isEqualTo("bolt.yaml,streaming-spout.yaml");

        CliRun ecs = CliRun.of("generate", seed("seed-batch").toString(), "--target", "ecs", "-o", dir.toString());
        assertThat(ecs.exitCode()).as(ecs.err()).isZero();
        assertThat(list(dir.resolve("ecs"))).isEqualTo(
                "batch-spout.schedule.json,batch-spout.task-definition.json,bolt.run-task.json,bolt.task-definition.json");
    }

    @Test
    void generateAgainAfterATaskIsRemovedLeavesNoStaleFile() throws IOException {
        Path file = dir.resolve("p.yaml");
        String text = Files.readString(seed("seed-streaming"), StandardCharsets.UTF_8);
        Files.writeString(file, text);
        assertThat(CliRun.of("generate", file.toString(), "-o", dir.resolve("out").toString()).exitCode()).isZero();
        Files.writeString(file, text.substring(0, text.indexOf("  - name: streaming-spout"))
                + text.substring(text.indexOf("  - name: bolt")));
        assertThat(CliRun.of("generate", file.toString(), "-o", dir.resolve("out").toString()).exitCode()).isZero();
        assertThat(list(dir.resolve("out/k8s"))).isEqualTo("bolt.yaml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-f", ""})
    void applyTakesThePipelineWithOrWithoutDashF(String flag) {
        String file = seed("seed-streaming").toString();
        CliRun run = flag.isEmpty() ? CliRun.of("apply", file) : CliRun.of("apply", flag, file);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("k8s: applied Deployment pipelines/seed-streaming-bolt");

        CliRun status = CliRun.of("status", file);
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("bolt").contains("Deployment").contains("0/3 ready");

        CliRun delete = CliRun.of("delete", "-f", file);
        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(delete.out()).contains("k8s: deleted Deployment pipelines/seed-streaming-bolt");
        assertThat(client.apps().deployments().inNamespace("pipelines").list().getItems()).isEmpty();
    }

    @Test
    void applyDryRunChangesNothing() {
        CliRun run = CliRun.of("apply", seed("seed-batch").toString(), "--dry-run");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("k8s: would apply CronJob pipelines/seed-batch-batch-spout");
        assertThat(client.batch().v1().cronjobs().inNamespace("pipelines").list().getItems()).isEmpty();
    }

    @Test
    void applyWarnsOfAnAutoscaleMaxAboveTheInputTopicsPartitionsOnItsBrokers() throws IOException {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createTopic("kafka-topic-1", 3);
            Path file = dir.resolve("scaled.yaml");
            Files.writeString(file, Files.readString(seed("seed-streaming"))
                    .replace("kafka.pipelines.svc:9092", kafka.bootstrapServers())
                    .replace("replicas: 3", "deploy: {autoscale: {min: 1, max: 12, lagPerReplica: 5000}}")
                    .replace("properties: {sasl.jaas.config: \"${KAFKA_SASL_PASSWORD}\"}", "ordering: key"));
            CliRun run = CliRun.of("apply", file.toString(), "--dry-run");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err()).contains("warning: task 'bolt': deploy.autoscale.max is 12, above the 3 partitions "
                    + "of topic 'kafka-topic-1': replicas beyond 3 would sit idle");
            assertThat(run.out()).contains("k8s: would apply ScaledObject pipelines/seed-streaming-bolt");
        }
    }

    @Test
    void anUnknownKeyGivenWithDeployIsReportedAsTheCommandLinesNotTheFilesByEveryCommand() {
        String file = seed("seed-streaming").toString();
        List<String[]> commands = List.of(new String[] {"generate", file, "-o", dir.toString()},
                new String[] {"apply", file}, new String[] {"status", file}, new String[] {"delete", "-f", file});
        for (String[] command : commands) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--deploy", "namespace=pipelines", "--deploy", "namespce=other"));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(command[0] + ": " + run.err()).isEqualTo(2);
            assertThat(run.err()).as(command[0]).startsWith("error: --deploy namespce=other: unknown key "
                    + "'namespce' in deploy settings; did you mean 'namespace'?").doesNotContain(file).doesNotContain("Exception");
        }
        assertThat(client.apps().deployments().inNamespace("pipelines").list().getItems()).as("nothing applied")
                .isEmpty();
    }

    @ParameterizedTest(name = "--target {1} --deploy {0}")
    @CsvSource(delimiter = '|', textBlock = """
            backoffLimit=ten  | k8s | seed-streaming | expected a whole number from 0 to 2147483647, got 'ten'
            region=Europe     | ecs | seed-streaming | expected an AWS region such as eu-west-1, got 'Europe'
            assignPublicIp=maybe | ecs | seed-streaming | expected true or false, got 'maybe'
            cluster=pipelines | ecs | seed-batch     | must be an ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME) for a scheduled task
            """)
    void aBadValueGivenWithDeployIsReportedAsTheCommandLinesNotAtATask(String setting, String target, String seed,
                                                                       String problem) {
        String file = seed(seed).toString();
        for (String command : List.of("generate", "apply")) {
            List<String> args = new ArrayList<>(List.of(command, file, "--target", target, "--deploy", setting));
            if (command.equals("generate")) {
                args.addAll(List.of("-o", dir.toString()));
            }
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(command + ": " + run.err()).isEqualTo(2);
            assertThat(run.err().lines().findFirst().orElse("")).as(command)
                    .startsWith("error: --deploy " + setting + ": " + problem);
            assertThat(run.err()).as(command).doesNotContain(file).doesNotContain("Exception");
        }
        assertThat(client.apps().deployments().inNamespace("pipelines").list().getItems()).as("nothing applied")
                .isEmpty();
    }

    @Test
    void aPlaceholderOfAVariableTheTasksEnvSetsValidatesAndGeneratesUnexpanded() throws IOException {
        Path file = dir.resolve("events.yaml");
        Files.writeString(file, """
                name: events
                tasks:
                  - name: fetch
                    type: spout
                    env: {EVENTS_URL: "https://example.com/events"}
                    config:
                      inputConfig: {type: batch, source: "${EVENTS_URL}"}
                      outputConfig: {type: batch, destination: s3://lake/raw}
                """);
        CliRun validate = CliRun.of("validate", file.toString());
        assertThat(validate.exitCode()).as(validate.err()).isZero();

        CliRun generate = CliRun.of("generate", file.toString(), "-o", dir.resolve("out").toString());
        assertThat(generate.exitCode()).as(generate.err()).isZero();
        String manifest = Files.readString(dir.resolve("out/k8s/fetch.yaml"));
        assertThat(manifest).as("the container's environment sets it").contains("name: EVENTS_URL")
                .contains("value: https://example.com/events")
                .as("its pipeline file expands it there").contains("source: \"${EVENTS_URL}\"");
    }

    @Test
    void missingImageExitsTwoWithALocatedMessage() throws IOException {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, Files.readString(seed("seed-batch")).replace(
                "  image: ghcr.io/acme/geniusrise-pipelines:1.0.0\n", ""));
        CliRun run = CliRun.of("generate", file.toString(), "-o", dir.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: " + file + ":").contains("tasks[0].image: is required to deploy")
                .doesNotContain("Exception");
    }

    @Test
    void inlinePasswordExitsTwoLocatedWithoutTheValueAndACredentialLiteralWarns() throws IOException {
        Path file = dir.resolve("p.yaml");
        String text = Files.readString(seed("seed-batch"));
        Files.writeString(file, text.replace("        destination: s3://my-bucket/results\n",
                "        destination: s3://my-bucket/results\n      stateConfig: {type: redis, password: hunter2-value}\n"));
        CliRun refused = CliRun.of("generate", file.toString(), "-o", dir.resolve("out").toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).startsWith("error: " + file + ":39:44: tasks[1].config.stateConfig.password: "
                + "passwords are never given inline").doesNotContain("hunter2").doesNotContain("Exception");
        CliRun validated = CliRun.of("validate", file.toString());
        assertThat(validated.exitCode()).as("validate catches what generate refuses").isEqualTo(2);
        assertThat(validated.err()).startsWith("error: " + file + ":39:44: tasks[1].config.stateConfig.password: "
                + "passwords are never given inline").doesNotContain("hunter2").doesNotContain("Exception");

        Files.writeString(file, text.replace("    class: com.acme.pipelines.OrderEnricher\n",
                "    class: com.acme.pipelines.OrderEnricher\n    args: {note: AKIAABCDEFGHIJKLMNOP}\n"));
        CliRun warned = CliRun.of("generate", file.toString(), "-o", dir.resolve("out").toString());
        assertThat(warned.exitCode()).as(warned.err()).isZero();
        assertThat(warned.err()).contains("warning: " + file + ":").contains("this value looks like a credential");
    }

    @Test
    void unknownTargetOnTheCommandLineExitsTwo() {
        CliRun run = CliRun.of("generate", seed("seed-batch").toString(), "--target", "nomad");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--target").contains("k8s, ecs");
    }

    @Test
    void applyWithoutAPipelineFileExitsTwo() {
        CliRun run = CliRun.of("apply");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("give the pipeline file");
    }

    @Test
    void graphDrawsAnEdgeFromEachWriterToEachReaderInMermaidAndDot() {
        CliRun mermaid = CliRun.of("graph", seed("seed-streaming").toString());
        assertThat(mermaid.exitCode()).as(mermaid.err()).isZero();
        assertThat(mermaid.out()).startsWith("flowchart LR").contains("t_streaming_spout([\"streaming-spout\"])")
                .contains("t_streaming_spout -->|\"kafka-topic-1\"| t_bolt");
        CliRun dot = CliRun.of("graph", seed("seed-batch").toString(), "--format", "dot");
        assertThat(dot.out()).startsWith("digraph \"seed-batch\" {")
                .contains("t_batch_spout -> t_bolt [label=\"s3://my-bucket/data\"];").endsWith("}\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"generate", "apply", "status", "delete", "graph", "completion"})
    void everyCommandHasHelpWithExamples(String command) {
        CliRun run = CliRun.of(command, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: geniusrise " + command).contains("Examples:");
    }

    @Test
    void pipelineFromAnEnvironmentVariableThatIsUnsetExitsTwoNamingIt() {
        CliRun run = CliRun.of("validate", "env:GENIUSRISE_TEST_NO_SUCH_VARIABLE");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("environment variable 'GENIUSRISE_TEST_NO_SUCH_VARIABLE' holds no pipeline file");
    }

    @Test
    void completionPrintsABashScriptCoveringTheCommands() {
        CliRun run = CliRun.of("completion");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("complete -F").contains("generate").contains("apply");
    }
}
