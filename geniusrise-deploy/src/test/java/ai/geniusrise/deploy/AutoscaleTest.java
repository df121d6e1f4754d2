package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.runtime.TaskRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code deploy.autoscale}: checked where it is written, and rendered as KEDA and Application Auto Scaling objects. */
class AutoscaleTest extends PipelineFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final K8sSchemaCheck SCHEMA = new K8sSchemaCheck();

    /** A bolt reading a topic over SASL_SSL with SCRAM, its password (and user) from a Secret. */
    static final String SCALED = """
            defaults:
              image: acme/enrich:1.0
              kafka:
                bootstrapServers: kafka-1:9093,kafka-2:9093
                properties:
                  security.protocol: SASL_SSL
                  sasl.mechanism: SCRAM-SHA-512
                  sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_USER}" password="${KAFKA_PASSWORD}";
              secrets:
                KAFKA_USER: kafka-creds/user
                KAFKA_PASSWORD: kafka-creds/password
              deploy:
                cluster: arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines
                subnets: [subnet-1]
                executionRoleArn: arn:aws:iam::123456789012:role/exec
            tasks:
              - name: enrich
                type: bolt
                class: com.acme.Enrich
                deploy:
                  autoscale: {min: 1, max: 12, lagPerReplica: 5000}
                config:
                  inputConfig: {type: streaming, source: clicks, ordering: key, maxInFlight: 256}
                  outputConfig: {type: streaming, destination: enriched}
            """;

    private Pipeline load(String yaml) throws IOException {
        return TaskManager.load(file(yaml), Map.of("KAFKA_PASSWORD", "SENTINEL-PASSWORD", "KAFKA_USER", "SENTINEL-USER"));
    }

    private static List<JsonNode> documents(String yaml) {
        List<JsonNode> out = new ArrayList<>();
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            out.add(JSON.valueToTree(doc));
        }
        return out;
    }

    private static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    @Test
    void kubernetesGetsAScaledObjectOnTheTasksGroupAndTopicWithItsSecretsThroughATriggerAuthentication()
            throws IOException {
        List<DeploymentFile> files = new K8sManager().render(load(SCALED));
        String text = files.get(0).content();
        assertThat(text).doesNotContain("SENTINEL");
        List<JsonNode> docs = documents(text);
        for (JsonNode doc : docs) {
            assertThat(SCHEMA.violations(doc)).as(doc.path("kind").asText()).isEmpty();
        }
        JsonNode deployment = kind(docs, "Deployment");
        assertThat(deployment.path("spec").has("replicas")).as("the scaler owns the count").isFalse();
        JsonNode scaled = kind(docs, "ScaledObject");
        assertThat(scaled.path("spec").path("scaleTargetRef")).isEqualTo(JSON.readTree(
                "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"name\": \""
                        + deployment.path("metadata").path("name").asText() + "\"}"));
        assertThat(scaled.path("spec").path("minReplicaCount").asInt()).isEqualTo(1);
        assertThat(scaled.path("spec").path("maxReplicaCount").asInt()).isEqualTo(12);
        JsonNode trigger = scaled.path("spec").path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(trigger.path("metadata")).isEqualTo(JSON.readTree("""
                {"bootstrapServers": "kafka-1:9093,kafka-2:9093", "consumerGroup": "pipeline.enrich", "topic": "clicks",
                 "lagThreshold": "5000", "offsetResetPolicy": "earliest", "sasl": "scram_sha512", "tls": "enable"}"""));
        JsonNode auth = kind(docs, "TriggerAuthentication");
        assertThat(trigger.path("authenticationRef").path("name").asText()).isEqualTo(auth.path("metadata")
                .path("name").asText());
        // the very Secret keys the pod's environment is given
        Map<String, String> podSecrets = new java.util.TreeMap<>();
        for (JsonNode env : deployment.path("spec").path("template").path("spec").path("containers").get(0)
                .path("env")) {
            JsonNode ref = env.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                podSecrets.put(ref.path("name").asText() + "/" + ref.path("key").asText(), env.path("name").asText());
            }
        }
        assertThat(auth.path("spec").path("secretTargetRef")).isEqualTo(JSON.readTree("""
                [{"parameter": "username", "name": "kafka-creds", "key": "user"},
                 {"parameter": "password", "name": "kafka-creds", "key": "password"}]"""));
        assertThat(podSecrets).containsKeys("kafka-creds/user", "kafka-creds/password");
        assertThat(kind(docs, "PodDisruptionBudget")).as("up to 12 replicas: drained one at a time").isNotNull();
    }

    @Test
    void bothTargetsRenderTheReviewedGoldenFiles() throws IOException {
        Pipeline pipeline = load(SCALED);
        Golden.check("autoscaled/k8s", new K8sManager().render(pipeline));
        Golden.check("autoscaled/ecs", new ECSManager().render(pipeline));
    }

    @Test
    void theSchemaCheckRefusesWhatKedaWouldRefuse() throws IOException {
        List<JsonNode> docs = documents(new K8sManager().render(load(SCALED)).get(0).content());
        ObjectNode scaled = (ObjectNode) kind(docs, "ScaledObject").deepCopy();
        ((ObjectNode) scaled.path("spec")).put("maxReplicaCount", "12");
        ((ObjectNode) scaled.path("spec")).put("minReplicas", 1);
        ((ObjectNode) scaled.path("spec").path("triggers").get(0).path("metadata")).put("lagThreshold", 5000);
        ((ObjectNode) scaled.path("spec").path("triggers").get(0).path("metadata")).put("consumergroup", "x");
        assertThat(SCHEMA.violations(scaled)).containsExactlyInAnyOrder(
                "ScaledObject.spec.maxReplicaCount: expected an integer, got STRING \"12\"",
                "ScaledObject.spec.minReplicas: unknown field",
                "ScaledObject.spec.triggers[0].metadata.lagThreshold: expected a string, got NUMBER",
                "ScaledObject.spec.triggers.metadata.consumergroup: not a setting of the kafka scaler");
        ObjectNode auth = (ObjectNode) kind(docs, "TriggerAuthentication").deepCopy();
        ((ObjectNode) auth.path("spec").path("secretTargetRef").get(0)).remove("key");
        ((ObjectNode) auth.path("spec")).putObject("podIdentity").put("provider", "azure");
        assertThat(SCHEMA.violations(auth)).contains(
                "TriggerAuthentication.spec.secretTargetRef[0].key: required",
                "TriggerAuthentication.spec.podIdentity.provider: \"azure\" is not one of "
                        + "[\"azure-workload\",\"gcp\",\"aws\",\"aws-eks\",\"none\"]");
    }

    @Test
    void ecsGetsAScalableTargetAndATargetTrackingPolicyOnTheLagTheTasksPublish() throws IOException {
        Map<String, JsonNode> files = new java.util.LinkedHashMap<>();
        for (DeploymentFile f : new ECSManager().render(load(SCALED))) {
            assertThat(f.content()).doesNotContain("SENTINEL");
            files.put(f.name(), JSON.readTree(f.content()));
        }
        assertThat(files).containsOnlyKeys("enrich.task-definition.json", "enrich.service.json",
                "enrich.scalable-target.json", "enrich.scaling-policy.json");
        AwsModelCheck model = AwsModelCheck.applicationAutoScaling();
        assertThat(model.violations("RegisterScalableTarget", files.get("enrich.scalable-target.json"))).isEmpty();
        assertThat(model.violations("PutScalingPolicy", files.get("enrich.scaling-policy.json"))).isEmpty();
        assertThat(AwsModelCheck.ecs().violations("CreateService", files.get("enrich.service.json"))).isEmpty();
        assertThat(files.get("enrich.scalable-target.json")).isEqualTo(JSON.readTree("""
                {"ServiceNamespace": "ecs", "ResourceId": "service/pipelines/pipeline-enrich",
                 "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 12,
                 "Tags": {"geniusrise.ai/pipeline": "pipeline", "geniusrise.ai/task": "enrich",
                          "app.kubernetes.io/managed-by": "geniusrise"}}"""));
        JsonNode tracking = files.get("enrich.scaling-policy.json").path("TargetTrackingScalingPolicyConfiguration");
        assertThat(tracking.path("TargetValue").asDouble()).isEqualTo(5000.0);
        assertThat(tracking.path("CustomizedMetricSpecification")).isEqualTo(JSON.readTree("""
                {"MetricName": "ConsumerLag", "Namespace": "Geniusrise",
                 "Dimensions": [{"Name": "Pipeline", "Value": "pipeline"}, {"Name": "Task", "Value": "enrich"}],
                 "Statistic": "Average", "Unit": "Count"}"""));
        assertThat(files.get("enrich.service.json").path("desiredCount").asInt()).isEqualTo(1);
        JsonNode environment = files.get("enrich.task-definition.json").path("containerDefinitions").get(0)
                .path("environment");
        assertThat(environment.findValuesAsText("name")).contains(TaskRunner.LAG_METRIC_ENV);
        // broken on purpose: the model check can fail
        ObjectNode broken = (ObjectNode) files.get("enrich.scalable-target.json").deepCopy();
        broken.put("ScalableDimension", "ecs:service:Count").put("MaxCapacity", "12");
        assertThat(model.violations("RegisterScalableTarget", broken)).hasSize(2);
    }

    @Test
    void mistakesAreLocatedAtTheKeyInsideTheMapping() throws IOException {
        String base = SCALED.replace("autoscale: {min: 1, max: 12, lagPerReplica: 5000}", "AUTOSCALE");
        Path f = file(base.replace("AUTOSCALE", "autoscale: {min: 1, maxx: 12, lagPerReplica: 5000}"));
        assertThatThrownBy(() -> TaskManager.load(f, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining(f + ":21:33: tasks[0].deploy.autoscale.maxx: unknown key 'maxx' in "
                        + "deploy.autoscale; did you mean 'max'?");
        Path g = file(base.replace("AUTOSCALE", "autoscale: {min: 5, max: 2, lagPerReplica: 5000}"));
        assertThatThrownBy(() -> TaskManager.load(g, Map.of())).hasMessageContaining(g
                + ":21:24: tasks[0].deploy.autoscale.min: is 5, above max 2: expected min <= max");
        Path h = file(base.replace("AUTOSCALE", "autoscale: {min: 1, lagPerReplica: -3}"));
        assertThatThrownBy(() -> TaskManager.load(h, Map.of())).hasMessageContaining(h
                + ":21:42: tasks[0].deploy.autoscale.lagPerReplica: expected a whole number from 1 to");
        Path i = file(base.replace("AUTOSCALE", "autoscale: {min: 1, lagPerReplica: 3}"));
        assertThatThrownBy(() -> TaskManager.load(i, Map.of())).hasMessageContaining(i
                + ":21:18: tasks[0].deploy.autoscale.max: is required in deploy.autoscale");
        Path j = file(base.replace("AUTOSCALE", "autoscale: 3"));
        assertThatThrownBy(() -> TaskManager.load(j, Map.of())).hasMessageContaining(j
                + ":21:18: tasks[0].deploy.autoscale: expected a mapping of min, max, lagPerReplica, got '3'");
    }

    @Test
    void autoscaleIsRefusedOnBatchTasksSpoutsAndBesideReplicas() throws IOException {
        Path batch = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: nightly
                    type: bolt
                    class: com.acme.Nightly
                    deploy:
                      autoscale: {max: 4, lagPerReplica: 100}
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {type: batch, destination: s3://b/out}
                """);
        assertThatThrownBy(() -> TaskManager.load(batch, Map.of())).hasMessageContaining(batch
                + ":7:18: tasks[0].deploy.autoscale: is for a bolt reading a Kafka topic, which runs until stopped; "
                + "task 'nightly' reads a batch input");
        Path spout = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: hook
                    type: spout
                    class: com.acme.Hook
                    deploy:
                      autoscale: {max: 4, lagPerReplica: 100}
                    config:
                      inputConfig: {type: streaming, source: "http://0.0.0.0:8080/events"}
                      outputConfig: {type: streaming, destination: events}
                """);
        assertThatThrownBy(() -> TaskManager.load(spout, Map.of())).hasMessageContaining(spout
                + ":7:18: tasks[0].deploy.autoscale: is for a bolt reading a Kafka topic").hasMessageContaining(
                "is a spout");
        Path replicas = file(SCALED.replace("    deploy:\n      autoscale", "    replicas: 3\n    deploy:\n"
                + "      autoscale"));
        assertThatThrownBy(() -> TaskManager.load(replicas, Map.of())).hasMessageContaining(
                "tasks[0].deploy.autoscale: cannot be combined with replicas: 3 in task 'enrich'");
    }

    @Test
    void ecsRefusesMinZeroWhichKedaTakes() throws IOException {
        String zero = SCALED.replace("{min: 1, max: 12", "{min: 0, max: 12");
        assertThat(new K8sManager().render(load(zero)).get(0).content()).contains("minReplicaCount: 0");
        assertThatThrownBy(() -> new ECSManager().render(load(zero))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tasks[0].deploy.autoscale.min: is 0, which ECS cannot scale up from");
        Path named = file(zero.replace("  deploy:\n    cluster", "  deploy:\n    target: ecs\n    cluster"));
        assertThatThrownBy(() -> TaskManager.load(named, Map.of())).hasMessageContaining(named
                + ":22:24: tasks[0].deploy.autoscale.min: is 0, which ECS cannot scale up from");
    }

    @Test
    void aSaslUserWrittenInTheFileIsRefusedForKedaWhichReadsItFromASecret() throws IOException {
        Pipeline p = load(SCALED.replace("username=\"${KAFKA_USER}\"", "username=\"svc\""));
        assertThatThrownBy(() -> new K8sManager().render(p)).hasMessageContaining(
                "config.inputConfig.properties.sasl.jaas.config: cannot be given to KEDA for deploy.autoscale: KEDA "
                        + "reads the SASL username from a Secret");
    }
}
