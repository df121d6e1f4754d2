package ai.geniusrise.deploy;

import ai.geniusrise.core.pipeline.Pipeline;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Apply, re-apply, status and delete against fabric8's mock API server in CRUD mode. */
class K8sApplyTest {

    private final ServerSideApplyDispatcher dispatcher = new ServerSideApplyDispatcher();
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void startServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.destroy();
    }

    @TempDir
    Path dir;

    private Pipeline write(String text) throws IOException {
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return TaskManager.load(file, Map.of());
    }

    private static String seedStreaming() throws IOException {
        return Files.readString(Golden.resource("pipelines/seed-streaming.yaml"), StandardCharsets.UTF_8);
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace("pipelines").withName(name).get();
    }

    @Test
    void anAutoscaledTaskGetsItsKedaObjectsAndLosesThemWhenAutoscaleIsRemoved() throws IOException {
        K8sManager k8s = new K8sManager(client);
        String scaled = AutoscaleTest.SCALED.replace("  deploy:\n    cluster", "  deploy:\n    namespace: pipelines\n"
                + "    cluster");
        List<Change> first = k8s.apply(write(scaled), false);
        assertThat(first).extracting(Change::toString).contains("applied ScaledObject pipelines/pipeline-enrich",
                "applied TriggerAuthentication pipelines/pipeline-enrich");
        var scaledObjects = client.genericKubernetesResources(KedaObjects.context("ScaledObject"))
                .inNamespace("pipelines");
        assertThat(scaledObjects.withName("pipeline-enrich").get().getAdditionalProperties().get("spec").toString())
                .contains("lagThreshold=5000");
        assertThat(deployment("pipeline-enrich").getSpec().getReplicas()).as("the scaler's to set").isNull();

        List<Change> second = k8s.apply(write(scaled.replace("      autoscale: {min: 1, max: 12, lagPerReplica: 5000}\n",
                "      podDisruptionBudget: false\n")), false);
        assertThat(second).extracting(Change::toString).contains("pruned ScaledObject pipelines/pipeline-enrich",
                "pruned TriggerAuthentication pipelines/pipeline-enrich");
        assertThat(scaledObjects.withName("pipeline-enrich").get()).isNull();
        assertThat(k8s.delete(write(scaled))).extracting(Change::kind).doesNotContain("ScaledObject");
    }

    @Test
    void applyCreatesEveryObjectThenReapplyUpdatesReplicasAndPrunesTheRemovedTask() throws IOException {
        client.configMaps().inNamespace("pipelines").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("unrelated").endMetadata().addToData("k", "v").build()).create();
        K8sManager k8s = new K8sManager(client);

        List<Change> first = k8s.apply(write(seedStreaming()), false);
        assertThat(first).extracting(Change::action).containsOnly(Change.Action.APPLIED);
        assertThat(dispatcher.applyQueries).isNotEmpty().allSatisfy(q -> assertThat(q)
                .contains("fieldManager=geniusrise").contains("force=true"));
        assertThat(first).extracting(Change::toString).contains("applied Deployment pipelines/seed-streaming-bolt",
                "applied Service pipelines/seed-streaming-streaming-spout");
        assertThat(deployment("seed-streaming-bolt").getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment("seed-streaming-streaming-spout")).isNotNull();

        String edited = seedStreaming().replace("replicas: 3", "replicas: 5");
        int spout = edited.indexOf("  - name: streaming-spout");
        int bolt = edited.indexOf("  - name: bolt");
        edited = edited.substring(0, spout) + edited.substring(bolt);
        List<Change> second = k8s.apply(write(edited), false);

        assertThat(deployment("seed-streaming-bolt").getSpec().getReplicas()).isEqualTo(5);
        assertThat(second).extracting(Change::toString).contains(
                "pruned Deployment pipelines/seed-streaming-streaming-spout",
                "pruned Service pipelines/seed-streaming-streaming-spout",
                "pruned ConfigMap pipelines/seed-streaming-streaming-spout");
        assertThat(deployment("seed-streaming-streaming-spout")).isNull();
        assertThat(client.services().inNamespace("pipelines").withName("seed-streaming-streaming-spout").get()).isNull();
        assertThat(client.configMaps().inNamespace("pipelines").withName("unrelated").get()).isNotNull();
        assertThat(client.configMaps().inNamespace("pipelines").withName("seed-streaming-bolt").get().getData()
                .get("pipeline.yaml")).contains("replicas: 5").doesNotContain("streaming-spout");
    }

    @Test
    void statusOfBatchTasksShowsTheCronJobsNextRunAndTheJobsCompletions() {
        K8sManager k8s = new K8sManager(client).at(Clock.fixed(Instant.parse("2026-11-24T08:07:00Z"), ZoneOffset.UTC));
        Pipeline pipeline = K8sRenderTest.seed("seed-batch");
        k8s.apply(pipeline, false);
        List<TaskStatus> status = k8s.status(pipeline);
        assertThat(status).extracting(TaskStatus::kind).containsExactly("CronJob", "Job");
        assertThat(status.get(0).summary()).isEqualTo("schedule \"0 2 * * *\", last run never, last success never, "
                + "next run 2026-11-25T02:00:00Z, 0 running");
        assertThat(status.get(1).summary()).isEqualTo("0/1 succeeded, 0 running, 0 failed");
    }

    @Test
    void dryRunReportsWhatItWouldDoAndChangesNothing() throws IOException {
        K8sManager k8s = new K8sManager(client);
        List<Change> changes = k8s.apply(write(seedStreaming().replace("name: seed-streaming", "name: dry")), true);
        assertThat(changes).isNotEmpty().extracting(Change::action).containsOnly(Change.Action.WOULD_APPLY);
        assertThat(deployment("dry-bolt")).isNull();
    }

    @Test
    void statusShowsDesiredAndReadyReplicasAndDeleteRemovesOnlyWhatThePipelineCreated() throws IOException {
        String text = seedStreaming().replace("name: seed-streaming", "name: shown");
        String other = seedStreaming().replace("name: seed-streaming", "name: other");
        K8sManager k8s = new K8sManager(client);
        Pipeline pipeline = write(text);
        assertThat(k8s.status(pipeline)).extracting(TaskStatus::summary).containsOnly("not deployed");
        k8s.apply(pipeline, false);
        Path otherFile = dir.resolve("other.yaml");
        Files.writeString(otherFile, other, StandardCharsets.UTF_8);
        k8s.apply(TaskManager.load(otherFile, Map.of()), false);

        List<TaskStatus> status = k8s.status(pipeline);
        assertThat(status).extracting(TaskStatus::task).containsExactly("streaming-spout", "bolt");
        assertThat(status).extracting(TaskStatus::kind).containsOnly("Deployment");
        assertThat(status.get(1).summary()).isEqualTo("0/3 ready");
        assertThat(status).allMatch(TaskStatus::found);

        List<Change> deleted = k8s.delete(pipeline);
        assertThat(deleted).extracting(Change::action).containsOnly(Change.Action.DELETED);
        assertThat(deleted).hasSize(6).anySatisfy(c -> assertThat(c.toString())
                .isEqualTo("deleted PodDisruptionBudget pipelines/shown-bolt"));
        assertThat(deployment("shown-bolt")).isNull();
        assertThat(client.configMaps().inNamespace("pipelines").withLabel("geniusrise.ai/pipeline", "shown").list()
                .getItems()).isEmpty();
        assertThat(deployment("other-bolt")).isNotNull();
        assertThat(client.resources(Service.class).inNamespace("pipelines").withName("other-streaming-spout").get())
                .isNotNull();
        assertThat(client.resources(ConfigMap.class).inNamespace("pipelines").withName("other-bolt").get()).isNotNull();
    }
}
