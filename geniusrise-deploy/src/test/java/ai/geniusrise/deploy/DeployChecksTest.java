package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.pipeline.Pipeline;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a pipeline must be to deploy, and what never reaches a deployment file. */
class DeployChecksTest extends PipelineFileTest {

    static final String ECS_DEFAULTS = """
              deploy:
                cluster: arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines
                subnets: [subnet-1]
                executionRoleArn: arn:aws:iam::123456789012:role/exec
                schedulerRoleArn: arn:aws:iam::123456789012:role/sched
            """;

    private static List<TaskManager> managers() {
        return List.of(new K8sManager(), new ECSManager());
    }

    private static void rejectedByBoth(Pipeline pipeline, String located) {
        for (TaskManager m : managers()) {
            assertThatThrownBy(() -> m.render(pipeline)).as(m.target())
                    .isInstanceOf(ConfigException.class).hasMessageContaining(located);
        }
    }

    @Test
    void aSchemaFileTravelsInsideTheTasksPipelineFileSinceThePodGetsNoOtherFile() throws IOException {
        Files.createDirectories(dir.resolve("schemas"));
        Files.writeString(dir.resolve("schemas/click.avsc"), """
                {"type": "record", "name": "Click", "fields": [{"name": "user", "type": "string"}]}
                """);
        Path f = file("""
                defaults:
                  image: acme/x:1
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: cleaner
                    type: bolt
                    class: com.acme.Cleaner
                    config:
                      inputConfig: {type: streaming, source: clicks, valueFormat: avro}
                      outputConfig:
                        type: streaming
                        destination: clean
                        valueFormat: avro
                        valueSchema: schemas/click.avsc
                        schemaRegistry: {url: "http://registry:8081"}
                """);
        Pipeline pipeline = TaskManager.load(f, Map.of());
        String document = TaskDocument.perTask(pipeline).get("cleaner");
        assertThat(document).contains("\"name\": \"Click\"").doesNotContain("schemas/click.avsc");
        Path pod = Files.createDirectories(dir.resolve("pod"));
        Path mounted = Files.writeString(pod.resolve("pipeline.yaml"), document);
        assertThat(TaskManager.load(mounted, Map.of()).tasks()).as("the task's file loads where no schema file is")
                .hasSize(1);
        for (TaskManager m : managers()) {
            assertThat(m.render(pipeline)).as(m.target()).allSatisfy(file -> assertThat(file.content())
                    .doesNotContain("schemas/click.avsc"));
        }
    }

    @Test
    void aProtoFileTravelsInsideTheTasksPipelineFileAndAnInlineProtoStaysAsItIs() throws IOException {
        Files.writeString(dir.resolve("scored.proto"), "syntax = \"proto3\"; package acme; message Scored { "
                + "string user = 1; }");
        Path f = file("""
                defaults:
                  image: acme/x:1
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: scorer
                    type: bolt
                    class: com.acme.Scorer
                    config:
                      inputConfig: {type: streaming, source: clicks, valueFormat: protobuf}
                      outputConfig:
                        type: streaming
                        destination: scored
                        valueFormat: protobuf
                        valueSchema: scored.proto
                        keyFormat: protobuf
                        keySchema: |
                          syntax = "proto3";
                          message Key { string user = 1; }
                        schemaRegistry: {url: "http://registry:8081"}
                """);
        Pipeline pipeline = TaskManager.load(f, Map.of());
        String document = TaskDocument.perTask(pipeline).get("scorer");
        assertThat(document).contains("message Scored").contains("message Key").doesNotContain("scored.proto");
        Path pod = Files.createDirectories(dir.resolve("pod"));
        Path mounted = Files.writeString(pod.resolve("pipeline.yaml"), document);
        StreamingOutputConfig out = (StreamingOutputConfig) TaskManager.load(mounted, Map.of()).tasks().get(0)
                .output();
        assertThat(out.valueSchema()).as("a one-line .proto file stays inline text in the pod's file")
                .isEqualTo("syntax = \"proto3\"; package acme; message Scored { string user = 1; }");
        assertThat(out.keySchema()).isEqualTo("syntax = \"proto3\";\nmessage Key { string user = 1; }");
    }

    @Test
    void aParquetOutputsSchemaFileTravelsInsideTheTasksPipelineFileAsItsInlineSchema() throws IOException {
        Files.createDirectories(dir.resolve("schemas"));
        Files.writeString(dir.resolve("schemas/view.avsc"), """
                {"type": "record", "name": "View", "fields": [{"name": "user", "type": "string"}]}
                """);
        Path f = file("""
                defaults:
                  image: acme/x:1
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: daily
                    type: bolt
                    class: com.acme.Daily
                    config:
                      inputConfig: {type: batch, source: "s3://lake/raw"}
                      outputConfig:
                        type: batch
                        destination: s3://lake/views
                        format: parquet
                        options: {schemaFile: schemas/view.avsc, rowGroupSize: 1MiB}
                """);
        Pipeline pipeline = TaskManager.load(f, Map.of());
        String document = TaskDocument.perTask(pipeline).get("daily");
        assertThat(document).contains("schema: ").contains("View").doesNotContain("schemaFile").doesNotContain("view.avsc");
        Path pod = Files.createDirectories(dir.resolve("pod"));
        Path mounted = Files.writeString(pod.resolve("pipeline.yaml"), document);
        BatchOutputConfig out = (BatchOutputConfig) TaskManager.load(mounted, Map.of()).tasks().get(0).output();
        assertThat(out.options()).as("the task's file loads where no schema file is").doesNotContainKey("schemaFile")
                .containsEntry("rowGroupSize", "1MiB");
        assertThat(out.options().get("schema")).contains("\"name\": \"View\"");
        for (TaskManager m : managers()) {
            assertThat(m.render(pipeline)).as(m.target()).allSatisfy(file -> assertThat(file.content())
                    .doesNotContain("view.avsc"));
        }
    }

    @Test
    void missingImageOfATaskWithItsOwnClassIsALocatedError() throws IOException {
        Path f = file("""
                tasks:
                  - name: bolt
                    type: bolt
                    class: com.acme.Enricher
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                """);
        rejectedByBoth(TaskManager.load(f, Map.of()), f + ":2:5: tasks[0].image: is required to deploy task 'bolt'");
    }

    @Test
    void aTaskWithoutClassRunsInTheGeniusriseImageOfThisVersion() throws IOException {
        Path f = file("""
                tasks:
                  - name: bolt
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                """);
        String manifest = new K8sManager().render(TaskManager.load(f, Map.of())).get(0).content();
        assertThat(manifest).contains("image: ghcr.io/geniusrise/geniusrise:" + DeployedTask.BUILT_IN_IMAGE
                .substring(DeployedTask.BUILT_IN_IMAGE.lastIndexOf(':') + 1)).doesNotContain("${project.version}");
    }

    @Test
    void whenManyTasksAreWrongTheFirstInTheFileIsReported() throws IOException {
        StringBuilder yaml = new StringBuilder("tasks:\n");
        for (int i = 0; i < 200; i++) {
            yaml.append("  - name: t").append(i).append("\n    type: bolt\n    class: com.acme.Enricher\n    config:\n")
                    .append("      inputConfig: {type: streaming, source: a").append(i).append("}\n")
                    .append("      outputConfig: {type: streaming, destination: b").append(i).append("}\n");
        }
        Path f = file(yaml.toString());
        for (int run = 0; run < 5; run++) {
            rejectedByBoth(TaskManager.load(f, Map.of()), f + ":2:5: tasks[0].image: is required to deploy task 't0'");
        }
    }

    @Test
    void localFileLocationIsALocatedErrorBecauseAContainerCannotReachIt() throws IOException {
        Path f = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: ./in}
                      outputConfig: {type: batch, destination: s3://b/out}
                """);
        rejectedByBoth(TaskManager.load(f, Map.of()), f + ":6:42: tasks[0].config.inputConfig.source: '"
                + dir.resolve("in") + "' is a path on this machine");
    }

    @Test
    void unknownDeploySettingIsALocatedError() throws IOException {
        Path f = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    deploy: {namespce: pipelines}
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                """);
        assertThatThrownBy(() -> TaskManager.load(f, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage(f + ":5:24: tasks[0].deploy.namespce: unknown key 'namespce' in deploy settings; did you "
                        + "mean 'namespace'?");
    }

    @Test
    void envEntryNamedLikeASecretIsRefusedAndPointsToSecrets() throws IOException {
        Path f = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    env: {DB_PASSWORD: hunter2}
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                """);
        rejectedByBoth(TaskManager.load(f, Map.of()), f + ":5:24: tasks[0].env.DB_PASSWORD: 'DB_PASSWORD' looks like "
                + "a secret");
    }

    @Test
    void passwordWrittenIntoAUrlIsRefusedWhereItIsWritten() throws IOException {
        Path f = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                      stateConfig: {type: postgres, url: "postgresql://app:hunter2@db:5432/state"}
                """);
        rejectedByBoth(TaskManager.load(f, Map.of()), f + ":8:42: this URL holds a password");
    }

    @Test
    void placeholderTheContainerCannotExpandIsALocatedError() throws IOException {
        Path f = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: "${TOPIC}"}
                      outputConfig: {type: streaming, destination: b}
                """);
        rejectedByBoth(TaskManager.load(f, Map.of("TOPIC", "clicks")), f + ":6:46: '${TOPIC}' is expanded in the "
                + "container of task 'bolt', whose environment does not set TOPIC");
    }

    @Test
    void noSecretValueReachesAnyGeneratedFileWhateverTheEnvironmentHolds() throws IOException {
        Path f = file("""
                name: safe
                defaults:
                  image: acme/x:1
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: bolt
                    type: bolt
                    env: {TOPIC: "${TOPIC:-clicks}"}
                    secrets: {DB_PASSWORD: db/password, KAFKA_SASL_PASSWORD: kafka/password}
                    config:
                      inputConfig:
                        type: streaming
                        source: "${TOPIC}"
                        properties: {sasl.jaas.config: "user=app password=${KAFKA_SASL_PASSWORD}"}
                      outputConfig: {type: streaming, destination: b}
                      stateConfig: {type: postgres, url: "postgresql://app:${DB_PASSWORD}@db:5432/state"}
                """);
        Pipeline pipeline = TaskManager.load(f, Map.of("DB_PASSWORD", "s3cr3t-db-value",
                "KAFKA_SASL_PASSWORD", "s3cr3t-kafka-value", "TOPIC", "clicks"));
        for (TaskManager m : managers()) {
            List<DeploymentFile> files = m.render(pipeline);
            assertThat(files).isNotEmpty().allSatisfy(file -> assertThat(file.content()).as(file.name())
                    .doesNotContain("s3cr3t"));
            assertThat(files).anySatisfy(file -> assertThat(file.content()).contains("${DB_PASSWORD}")
                    .contains("password=${KAFKA_SASL_PASSWORD}"));
        }
    }

    @Test
    void secretVariablesNeedNotBeSetWhereThePipelineIsGenerated() throws IOException {
        Path f = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    secrets: {TOKEN: api/token}
                    config:
                      inputConfig: {type: streaming, source: a, properties: {token: "${TOKEN}"}}
                      outputConfig: {type: streaming, destination: b}
                """);
        assertThat(new K8sManager().render(TaskManager.load(f, Map.of())).get(0).content())
                .contains("token: \"${TOKEN}\"").doesNotContain("<secret");
    }

    @Test
    void ecsNeedsAnExecutionRoleAndRefusesParallelism() throws IOException {
        Path f = file("""
                defaults: {image: acme/x:1, deploy: {cluster: c, region: eu-west-1, subnets: [s]}}
                tasks:
                  - name: bolt
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {type: batch, destination: s3://b/out}
                """);
        assertThatThrownBy(() -> new ECSManager().render(TaskManager.load(f, Map.of())))
                .hasMessageContaining(f + ":3:5: tasks[0].deploy.executionRoleArn: is required to deploy task 'bolt' on ECS");
        Path g = file(Files.readString(f).replace("subnets: [s]", "subnets: [s], executionRoleArn: 'arn:aws:iam::123456789012:role/r'")
                .replace("    type: bolt\n", "    type: bolt\n    parallelism: 3\n"));
        assertThatThrownBy(() -> new ECSManager().render(TaskManager.load(g, Map.of())))
                .hasMessageContaining(g + ":5:18: tasks[0].parallelism: is not supported on ECS");
    }

    @Test
    void cronBecomesEventBridgeCronWithSundayAsOne() throws IOException {
        Path f = file("""
                defaults:
                  image: acme/x:1
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: weekly
                    type: bolt
                    schedule: "30 6 * * 0,3-5"
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {type: batch, destination: s3://b/out}
                """);
        String schedule = new ECSManager().render(TaskManager.load(f, Map.of())).get(1).content();
        assertThat(schedule).contains("\"ScheduleExpression\" : \"cron(30 6 ? * 1,4-6 *)\"");
    }
}
