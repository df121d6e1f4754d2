package ai.geniusrise.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.nio.file.Path;
import java.nio.file.Files;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ECS and EventBridge Scheduler calls against a WireMock stub of their wire protocols: ECS's
 * JSON 1.1 protocol (POST /, the operation in {@code X-Amz-Target}) and Scheduler's REST JSON.
 */
class EcsApplyTest {

    private static final String ECS = "AmazonEC2ContainerServiceV20141113.";
    /** Application Auto Scaling's JSON 1.1 target prefix (its service model's {@code targetPrefix}). */
    private static final String SCALING = "AnyScaleFrontendService.";

    private WireMockServer wire;
    private ECSManager ecs;
    private EcsClient ecsClient;
    private SchedulerClient schedulerClient;
    private ApplicationAutoScalingClient scalingClient;

    @BeforeEach
    void start() {
        wire = new WireMockServer(options().dynamicPort());
        wire.start();
        URI endpoint = URI.create("http://localhost:" + wire.port());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-secret"));
        ecsClient = EcsClient.builder().endpointOverride(endpoint).region(Region.EU_WEST_1)
                .credentialsProvider(credentials).build();
        schedulerClient = SchedulerClient.builder().endpointOverride(endpoint).region(Region.EU_WEST_1)
                .credentialsProvider(credentials).build();
        scalingClient = ApplicationAutoScalingClient.builder().endpointOverride(endpoint).region(Region.EU_WEST_1)
                .credentialsProvider(credentials).build();
        ecs = new ECSManager(ecsClient, schedulerClient, scalingClient);
        ecsStub("RegisterTaskDefinition", "{\"taskDefinition\": {\"taskDefinitionArn\": "
                + "\"arn:aws:ecs:eu-west-1:123456789012:task-definition/x:1\", \"revision\": 1}}");
        ecsStub("DescribeServices", "{\"services\": [], \"failures\": []}");
        ecsStub("CreateService", "{\"service\": {\"serviceName\": \"x\", \"status\": \"ACTIVE\"}}");
        ecsStub("RunTask", "{\"tasks\": [], \"failures\": []}");
        wire.stubFor(get(urlPathMatching("/schedules/.*")).willReturn(aResponse().withStatus(404)
                .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")
                .withHeader("Content-Type", "application/json").withBody("{\"Message\": \"Schedule not found\"}")));
        ecsStub("ListServices", "{\"serviceArns\": []}");
        scalingStub("DeregisterScalableTarget", 400, "{\"__type\": \"ObjectNotFoundException\", \"Message\": "
                + "\"No scalable target registered for service namespace: ecs\"}");
        wire.stubFor(get(urlPathEqualTo("/schedules")).willReturn(okJson("{\"Schedules\": []}")));
        wire.stubFor(post(urlPathMatching("/schedules/.*")).willReturn(okJson(
                "{\"ScheduleArn\": \"arn:aws:scheduler:eu-west-1:123456789012:schedule/default/x\"}")));
    }

    @AfterEach
    void stop() {
        ecsClient.close();
        schedulerClient.close();
        scalingClient.close();
        wire.stop();
    }

    private void ecsStub(String operation, String body) {
        wire.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ECS + operation))
                .willReturn(okJson(body)));
    }

    /** What Application Auto Scaling answers: the operation's output shape, or an error as its protocol writes one. */
    private void scalingStub(String operation, int status, String body) {
        var response = aResponse().withStatus(status).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody(body);
        if (status >= 400) {
            response = response.withHeader("x-amzn-ErrorType", body.replaceAll("(?s).*\"__type\": \"([^\"]+)\".*", "$1"));
        }
        wire.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(SCALING + operation))
                .willReturn(response));
    }

    private List<JsonNode> scalingBodies(String operation) {
        return wire.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(SCALING + operation)))
                .stream().map(EcsApplyTest::json).toList();
    }

    @Test
    void applyOfAnAutoscaledTaskRegistersItsScalableTargetAndPolicyAndReapplyLeavesTheCountToTheScaler(
            @TempDir Path dir) throws IOException {
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, AutoscaleTest.SCALED);
        var pipeline = TaskManager.load(file, Map.of());
        Map<String, JsonNode> files = files(ecs.render(pipeline));
        scalingStub("RegisterScalableTarget", 200, "{\"ScalableTargetARN\": \"arn:aws:application-autoscaling:"
                + "eu-west-1:123456789012:scalable-target/0123456789abcdef\"}");
        scalingStub("PutScalingPolicy", 200, "{\"PolicyARN\": \"arn:aws:autoscaling:eu-west-1:123456789012:"
                + "scalingPolicy:0123:resource/ecs/service/pipelines/pipeline-enrich:policyName/pipeline-enrich-lag\","
                + " \"Alarms\": [{\"AlarmName\": \"TargetTracking-service/pipelines/pipeline-enrich-AlarmHigh\","
                + " \"AlarmARN\": \"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:TargetTracking-high\"}]}");

        List<Change> changes = ecs.apply(pipeline, false);

        assertThat(changes).extracting(Change::toString).containsSequence(
                "applied Service arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines/pipeline-enrich",
                "applied ScalableTarget service/pipelines/pipeline-enrich",
                "applied ScalingPolicy pipeline-enrich-lag");
        assertThat(scalingBodies("RegisterScalableTarget")).containsExactly(files.get("enrich.scalable-target.json"));
        assertThat(scalingBodies("PutScalingPolicy")).containsExactly(files.get("enrich.scaling-policy.json"));

        ecsStub("DescribeServices", "{\"services\": [" + service("pipeline-enrich", "pipeline", "enrich")
                + "], \"failures\": []}");
        ecsStub("UpdateService", "{\"service\": {}}");
        ecs.apply(pipeline, false);
        assertThat(ecsBodies("UpdateService")).singleElement().satisfies(u -> assertThat(u.has("desiredCount"))
                .as("the scaler's count stands").isFalse());

        ecsStub("DeleteService", "{\"service\": {}}");
        ecsStub("ListTaskDefinitions", "{\"taskDefinitionArns\": []}");
        scalingStub("DeregisterScalableTarget", 200, "{}");
        assertThat(ecs.delete(pipeline)).extracting(Change::toString).startsWith(
                "deleted ScalableTarget service/pipelines/pipeline-enrich");
        assertThat(scalingBodies("DeregisterScalableTarget")).containsExactly(AwsJson.MAPPER.readTree(
                "{\"ServiceNamespace\": \"ecs\", \"ResourceId\": \"service/pipelines/pipeline-enrich\","
                        + " \"ScalableDimension\": \"ecs:service:DesiredCount\"}"));
        scalingStub("DeregisterScalableTarget", 400, "{\"__type\": \"ObjectNotFoundException\", \"Message\": "
                + "\"No scalable target registered for service namespace: ecs\"}");
        assertThat(ecs.delete(pipeline)).extracting(Change::toString)
                .doesNotContain("deleted ScalableTarget service/pipelines/pipeline-enrich");
    }

    private List<JsonNode> ecsBodies(String operation) {
        return wire.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(ECS + operation)))
                .stream().map(EcsApplyTest::json).toList();
    }

    private static JsonNode json(LoggedRequest r) {
        try {
            return AwsJson.MAPPER.readTree(r.getBodyAsString());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.getBodyAsString(), e);
        }
    }

    private static Map<String, JsonNode> files(List<DeploymentFile> files) {
        return files.stream().collect(Collectors.toMap(DeploymentFile::name, f -> {
            try {
                return AwsJson.MAPPER.readTree(f.content());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }));
    }

    @Test
    void applyOfStreamingPipelineSendsExactlyTheGeneratedTaskDefinitionsAndServices() {
        var pipeline = K8sRenderTest.seed("seed-streaming");
        Map<String, JsonNode> files = files(ecs.render(pipeline));

        List<Change> changes = ecs.apply(pipeline, false);

        assertThat(changes).extracting(Change::toString).containsExactly(
                "applied TaskDefinition seed-streaming-streaming-spout",
                "applied Service arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines/seed-streaming-streaming-spout",
                "applied TaskDefinition seed-streaming-bolt",
                "applied Service arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines/seed-streaming-bolt");
        assertThat(ecsBodies("RegisterTaskDefinition")).containsExactly(
                files.get("streaming-spout.task-definition.json"), files.get("bolt.task-definition.json"));
        assertThat(ecsBodies("CreateService")).containsExactly(
                files.get("streaming-spout.service.json"), files.get("bolt.service.json"));
    }

    @Test
    void applyOfBatchPipelineCreatesTheGeneratedScheduleAndRunsTheOneShotTask() {
        var pipeline = K8sRenderTest.seed("seed-batch");
        Map<String, JsonNode> files = files(ecs.render(pipeline));

        List<Change> changes = ecs.apply(pipeline, false);

        assertThat(changes).extracting(Change::action).containsExactly(Change.Action.APPLIED, Change.Action.APPLIED,
                Change.Action.APPLIED, Change.Action.STARTED);
        List<LoggedRequest> created = wire.findAll(postRequestedFor(urlEqualTo("/schedules/seed-batch-batch-spout")));
        assertThat(created).hasSize(1);
        ObjectNode expected = files.get("batch-spout.schedule.json").deepCopy();
        expected.remove("Name"); // sent in the URI
        assertThat(json(created.get(0))).isEqualTo(expected);
        List<JsonNode> runs = ecsBodies("RunTask");
        assertThat(runs).hasSize(1);
        ObjectNode run = runs.get(0).deepCopy();
        assertThat(run.remove("clientToken")).as("the SDK's own idempotency token").isNotNull();
        assertThat(run).isEqualTo(files.get("bolt.run-task.json"));
        assertThat(ecsBodies("RegisterTaskDefinition")).containsExactly(
                files.get("batch-spout.task-definition.json"), files.get("bolt.task-definition.json"));
    }

    @Test
    void dryRunOnlyReads() {
        List<Change> changes = ecs.apply(K8sRenderTest.seed("seed-batch"), true);
        assertThat(changes).extracting(Change::action).containsOnly(Change.Action.WOULD_APPLY);
        assertThat(wire.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getMethod().getName()
                + " " + e.getRequest().getHeader("X-Amz-Target")).matches("GET .*|POST " + ECS.replace(".", "\\.")
                + "(List|Describe).*"));
    }

    @Test
    void reapplyAfterATaskIsRemovedPrunesItsServiceAndTaskDefinitionsOnly() {
        String cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines";
        ecsStub("ListServices", "{\"serviceArns\": [\"" + cluster.replace("cluster/", "service/pipelines/")
                + "/seed-streaming-bolt\", \"arn:aws:ecs:eu-west-1:123456789012:service/pipelines/seed-streaming-old\","
                + " \"arn:aws:ecs:eu-west-1:123456789012:service/pipelines/someone-else\"]}");
        ecsStub("DescribeServices", "{\"services\": [" + service("seed-streaming-bolt", "seed-streaming", "bolt") + ", "
                + service("seed-streaming-old", "seed-streaming", "old") + ", " + service("someone-else", "other", "x")
                + "], \"failures\": []}");
        ecsStub("UpdateService", "{\"service\": {}}");
        ecsStub("DeleteService", "{\"service\": {}}");
        ecsStub("ListTaskDefinitions", "{\"taskDefinitionArns\": ["
                + "\"arn:aws:ecs:eu-west-1:123456789012:task-definition/seed-streaming-old:3\"]}");
        ecsStub("DeregisterTaskDefinition", "{\"taskDefinition\": {}}");

        List<Change> changes = ecs.apply(K8sRenderTest.seed("seed-streaming"), false);

        assertThat(scalingBodies("DeregisterScalableTarget")).extracting(b -> b.path("ResourceId").asText())
                .as("an autoscaled service's target goes with it").containsExactly("service/pipelines/seed-streaming-old");
        assertThat(changes).extracting(Change::toString).doesNotContain(
                "pruned ScalableTarget service/pipelines/seed-streaming-old").contains(
                "pruned Service " + cluster + "/seed-streaming-old",
                "pruned TaskDefinition arn:aws:ecs:eu-west-1:123456789012:task-definition/seed-streaming-old:3");
        assertThat(ecsBodies("DeleteService")).extracting(b -> b.get("service").textValue())
                .containsExactly("seed-streaming-old");
        assertThat(ecsBodies("DescribeServices")).anySatisfy(b -> assertThat(b.path("include").path(0).asText())
                .isEqualTo("TAGS"));
    }

    @Test
    void reapplyOfAListenerBehindALoadBalancerUpdatesItsTargetGroupAndServiceConnect(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("seed-streaming.yaml");
        Files.writeString(file, Files.readString(Golden.resource("pipelines/seed-streaming.yaml")).replace(
                "    class: ai.geniusrise.io.http.HttpListenerSpout\n", "    class: ai.geniusrise.io.http.HttpListenerSpout\n"
                        + "    deploy: {targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/"
                        + "events/0123456789abcdef', serviceConnectNamespace: pipelines}\n"));
        ecsStub("DescribeServices", "{\"services\": [" + service("seed-streaming-streaming-spout", "seed-streaming",
                "streaming-spout") + "], \"failures\": []}");
        ecsStub("UpdateService", "{\"service\": {}}");

        ecs.apply(TaskManager.load(file, Map.of()), false);

        JsonNode update = ecsBodies("UpdateService").get(0);
        assertThat(update.path("service").asText()).isEqualTo("seed-streaming-streaming-spout");
        assertThat(update.path("loadBalancers").path(0).path("containerPort").asInt()).isEqualTo(9000);
        assertThat(update.path("serviceConnectConfiguration").path("namespace").asText()).isEqualTo("pipelines");
    }

    @Test
    void reapplyAfterAScheduledTaskIsRemovedPrunesOnlyItsSchedule() {
        wire.stubFor(get(urlPathEqualTo("/schedules")).willReturn(okJson("{\"Schedules\": ["
                + "{\"Name\": \"seed-batch-batch-spout\"}, {\"Name\": \"seed-batch-old\"}, "
                + "{\"Name\": \"seed-batch-by-hand\"}]}")));
        wire.stubFor(get(urlPathEqualTo("/schedules/seed-batch-old")).willReturn(okJson("{\"Name\": \"seed-batch-old\", "
                + "\"Description\": \"geniusrise pipeline seed-batch, task old\", \"Target\": {\"Arn\": \"c\", "
                + "\"RoleArn\": \"r\", \"EcsParameters\": {\"TaskDefinitionArn\": "
                + "\"arn:aws:ecs:eu-west-1:123456789012:task-definition/seed-batch-old\"}}}")));
        wire.stubFor(get(urlPathEqualTo("/schedules/seed-batch-by-hand")).willReturn(okJson(
                "{\"Name\": \"seed-batch-by-hand\", \"Description\": \"made by hand\"}")));
        wire.stubFor(delete(urlPathMatching("/schedules/.*")).willReturn(okJson("{}")));
        ecsStub("ListTaskDefinitions", "{\"taskDefinitionArns\": ["
                + "\"arn:aws:ecs:eu-west-1:123456789012:task-definition/seed-batch-old:1\"]}");
        ecsStub("DeregisterTaskDefinition", "{\"taskDefinition\": {}}");

        List<Change> changes = ecs.apply(K8sRenderTest.seed("seed-batch"), false);

        assertThat(changes).extracting(Change::toString).contains("pruned Schedule seed-batch-old",
                "pruned TaskDefinition arn:aws:ecs:eu-west-1:123456789012:task-definition/seed-batch-old:1");
        assertThat(wire.findAll(deleteRequestedFor(urlPathMatching("/schedules/.*"))))
                .extracting(r -> r.getUrl().split("\\?")[0]).containsExactly("/schedules/seed-batch-old");
    }

    private static String service(String name, String pipeline, String task) {
        return "{\"serviceName\": \"" + name + "\", \"status\": \"ACTIVE\", \"taskDefinition\": "
                + "\"arn:aws:ecs:eu-west-1:123456789012:task-definition/" + name + ":3\", \"tags\": ["
                + "{\"key\": \"geniusrise.ai/pipeline\", \"value\": \"" + pipeline + "\"}, "
                + "{\"key\": \"geniusrise.ai/task\", \"value\": \"" + task + "\"}, "
                + "{\"key\": \"app.kubernetes.io/managed-by\", \"value\": \"geniusrise\"}]}";
    }

    @Test
    void statusReportsRunningAndDesiredCountsAndDeleteRemovesServiceAndTaskDefinitions() {
        ecsStub("DescribeServices", "{\"services\": [{\"serviceName\": \"seed-streaming-bolt\", \"status\": \"ACTIVE\","
                + " \"desiredCount\": 3, \"runningCount\": 2, \"pendingCount\": 1}], \"failures\": []}");
        ecsStub("ListTaskDefinitions", "{\"taskDefinitionArns\": ["
                + "\"arn:aws:ecs:eu-west-1:123456789012:task-definition/seed-streaming-bolt:1\","
                + "\"arn:aws:ecs:eu-west-1:123456789012:task-definition/seed-streaming-bolt-other:1\"]}");
        ecsStub("DeleteService", "{\"service\": {\"serviceName\": \"seed-streaming-bolt\"}}");
        ecsStub("DeregisterTaskDefinition", "{\"taskDefinition\": {}}");
        var pipeline = K8sRenderTest.seed("seed-streaming");

        List<TaskStatus> status = ecs.status(pipeline);
        assertThat(status.get(1).summary()).isEqualTo("2/3 running, 1 pending");

        List<Change> deleted = ecs.delete(pipeline);
        assertThat(deleted).extracting(Change::toString).contains(
                "deleted Service arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines/seed-streaming-bolt",
                "deleted TaskDefinition arn:aws:ecs:eu-west-1:123456789012:task-definition/seed-streaming-bolt:1");
        assertThat(deleted).extracting(Change::name).doesNotContain(
                "arn:aws:ecs:eu-west-1:123456789012:task-definition/seed-streaming-bolt-other:1");
        assertThat(ecsBodies("DeleteService")).allSatisfy(b -> assertThat(b.get("force").booleanValue()).isTrue());
    }
}
