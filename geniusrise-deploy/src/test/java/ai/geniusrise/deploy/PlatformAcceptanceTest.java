package ai.geniusrise.deploy;

import ai.geniusrise.core.pipeline.Pipeline;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example pipeline and both seed examples generate files the platforms admit: Kubernetes
 * objects that pass the API's OpenAPI schema and naming rules and Pod Security "restricted",
 * ECS and Scheduler requests that pass the AWS service models. Each checker is shown to refuse
 * what the platform refuses.
 */
class PlatformAcceptanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final K8sSchemaCheck SCHEMA = new K8sSchemaCheck();

    @TempDir
    Path dir;

    static List<Path> examples() {
        return Examples.files();
    }

    private static List<PodSpec> pods(List<HasMetadata> objects) {
        List<PodSpec> pods = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Deployment d) {
                pods.add(d.getSpec().getTemplate().getSpec());
            } else if (o instanceof Job j) {
                pods.add(j.getSpec().getTemplate().getSpec());
            } else if (o instanceof CronJob c) {
                pods.add(c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec());
            }
        }
        return pods;
    }

    /** Each YAML document of the generated files, as JSON. */
    private static List<JsonNode> documents(List<DeploymentFile> files) {
        List<JsonNode> docs = new ArrayList<>();
        for (DeploymentFile f : files) {
            for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(f.content())) {
                if (doc != null) {
                    docs.add(JSON.valueToTree(doc));
                }
            }
        }
        return docs;
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyPodTemplateIsAdmittedUnderPodSecurityRestricted(Path example) {
        try (K8sManager k8s = new K8sManager()) {
            List<PodSpec> pods = pods(k8s.objects(Examples.load(example, dir, Map.of())));
            assertThat(pods).isNotEmpty();
            for (PodSpec pod : pods) {
                assertThat(PodSecurityStandards.restrictedViolations(pod)).as(example.toString()).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyKubernetesObjectPassesTheApiSchemaAndTheApiServersRules(Path example) {
        try (K8sManager k8s = new K8sManager()) {
            List<JsonNode> docs = documents(k8s.render(Examples.load(example, dir, Map.of())));
            assertThat(docs).isNotEmpty();
            for (JsonNode doc : docs) {
                assertThat(SCHEMA.violations(doc)).as("%s: %s", example.getFileName(), doc.path("kind")).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyEcsFilePassesTheAwsServiceModels(Path example) throws Exception {
        AwsModelCheck ecsModel = AwsModelCheck.ecs();
        AwsModelCheck schedulerModel = AwsModelCheck.scheduler();
        try (ECSManager ecs = new ECSManager()) {
            List<DeploymentFile> files = ecs.render(Examples.load(example, dir, Map.of()));
            assertThat(files).isNotEmpty();
            for (DeploymentFile f : files) {
                JsonNode request = JSON.readTree(f.content());
                String name = f.name();
                List<String> problems = name.endsWith(".schedule.json")
                        ? schedulerModel.violations("CreateSchedule", request)
                        : ecsModel.violations(name.endsWith(".task-definition.json") ? "RegisterTaskDefinition"
                        : name.endsWith(".service.json") ? "CreateService" : "RunTask", request);
                assertThat(problems).as("%s: %s", example.getFileName(), name).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void noSecretValueSetWhereTheExampleIsGeneratedReachesAnyFileOfEitherTarget(Path example) throws Exception {
        Map<String, String> env = new java.util.HashMap<>();
        for (String variable : TaskDocument.secretVariables(example)) {
            env.put(variable, "SENTINEL-" + variable);
        }
        Pipeline pipeline = Examples.load(example, dir, env);
        for (TaskManager m : List.of(new K8sManager(), new ECSManager())) {
            for (Path written : m.write(pipeline, dir.resolve("out-" + m.target()))) {
                assertThat(java.nio.file.Files.readString(written)).as(written.toString()).doesNotContain("SENTINEL");
            }
        }
    }

    @Test
    void podSecurityCheckRefusesWhatRestrictedRefuses() {
        PodSpec lax = new PodSpecBuilder().addNewContainer().withName("c").withImage("i")
                .withNewSecurityContext().withPrivileged(true).withNewCapabilities().withAdd("SYS_ADMIN")
                .endCapabilities().endSecurityContext().endContainer()
                .addNewVolume().withName("host").withNewHostPath().withPath("/").endHostPath().endVolume()
                .withHostNetwork(true).build();
        assertThat(PodSecurityStandards.restrictedViolations(lax)).hasSize(8).anySatisfy(v -> assertThat(v)
                .contains("allowPrivilegeEscalation")).anySatisfy(v -> assertThat(v).contains("hostPath"))
                .anySatisfy(v -> assertThat(v).contains("seccompProfile")).anySatisfy(v -> assertThat(v)
                        .contains("drop must include ALL"));
    }

    @Test
    void schemaCheckRefusesUnknownFieldsWrongTypesMissingFieldsAndWhatTheApiServerRefuses() throws Exception {
        try (K8sManager k8s = new K8sManager()) {
            Pipeline p = Examples.load(Examples.files().stream().filter(f -> f.endsWith("events.yaml")).findFirst()
                    .orElseThrow(), dir, Map.of());
            ObjectNode deployment = (ObjectNode) documents(k8s.render(p)).stream()
                    .filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
            assertThat(SCHEMA.violations(deployment)).isEmpty();
            ObjectNode podSpec = (ObjectNode) deployment.path("spec").path("template").path("spec");
            ObjectNode container = (ObjectNode) podSpec.path("containers").get(0);
            container.put("imagePullPolicy", "always");
            container.put("restartPolicyy", "Never");
            ((ObjectNode) container.path("securityContext")).put("runAsNonRoot", "yes");
            ((ArrayNode) container.path("ports")).addObject().put("name", "again").put("containerPort",
                    container.path("ports").get(0).path("containerPort").asInt());
            ((ObjectNode) deployment.path("spec")).remove("selector");
            ((ObjectNode) deployment.path("metadata").path("labels")).put("team", "data team");
            ((ObjectNode) deployment.path("metadata")).put("name", "Events");
            assertThat(SCHEMA.violations(deployment)).containsExactlyInAnyOrder(
                    "Deployment.spec.template.spec.containers[0].restartPolicyy: unknown field",
                    "Deployment.spec.template.spec.containers[0].securityContext.runAsNonRoot: expected a boolean, "
                            + "got STRING",
                    "Deployment.spec.selector: required",
                    "Deployment.metadata.name: 'Events' is not a valid Deployment name",
                    "Deployment.metadata.labels.team: invalid label value 'data team'",
                    "Deployment.spec.template.spec.containers[listener].imagePullPolicy: unsupported value 'always'",
                    "Deployment.spec.template.spec.containers[listener].ports: containerPort 8081 is listed twice "
                            + "(two servers cannot bind it)");
        }
    }

    @Test
    void awsModelCheckRefusesUnknownMembersEnumsLengthsAndMissingMembers() throws Exception {
        ObjectNode schedule = (ObjectNode) JSON.readTree("""
                {"Name": "p-t", "ScheduleExpression": "cron(0 2 * * ? *)", "FlexibleTimeWindow": {"Mode": "OFF"},
                 "Target": {"Arn": "arn:aws:ecs:eu-west-1:123456789012:cluster/c",
                            "RoleArn": "arn:aws:iam::123456789012:role/r",
                            "EcsParameters": {"TaskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/f",
                                              "NetworkConfiguration": {"awsvpcConfiguration": {
                                                  "Subnets": ["s-1"], "SecurityGroups": []}}}}}
                """);
        assertThat(AwsModelCheck.scheduler().violations("CreateSchedule", schedule)).containsExactly(
                "CreateSchedule.Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.SecurityGroups: "
                        + "length 0 is outside 1..5");
        ObjectNode run = (ObjectNode) JSON.readTree("""
                {"taskDefinition": "f", "launchType": "fargate", "count": 1, "replicas": 2}
                """);
        assertThat(AwsModelCheck.ecs().violations("RunTask", run)).containsExactlyInAnyOrder(
                "RunTask.launchType: 'fargate' is not one of [\"EC2\",\"FARGATE\",\"EXTERNAL\",\"MANAGED_INSTANCES\"]",
                "RunTask.replicas: unknown member of RunTaskRequest");
        assertThat(AwsModelCheck.ecs().violations("RegisterTaskDefinition", JSON.readTree("{\"family\": \"f\"}")))
                .containsExactly("RegisterTaskDefinition.containerDefinitions: required by RegisterTaskDefinitionRequest");
    }
}
