package ai.geniusrise.deploy;

import ai.geniusrise.core.pipeline.Pipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class K8sRenderTest {

    static Pipeline seed(String name) {
        return TaskManager.load(Golden.resource("pipelines/" + name + ".yaml"), Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed-batch", "seed-streaming"})
    void seedExampleRendersTheReviewedGoldenFiles(String example) {
        try (K8sManager k8s = new K8sManager()) {
            Golden.check(example + "/k8s", k8s.render(seed(example)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed-batch", "seed-streaming"})
    void everyGeneratedObjectReadsBackIntoFabric8TypedModelWithNoUnknownField(String example) {
        KubernetesSerialization serialization = new KubernetesSerialization();
        try (K8sManager k8s = new K8sManager()) {
            for (DeploymentFile file : k8s.render(seed(example))) {
                for (String doc : file.content().split("(?m)^---\\n")) {
                    if (doc.isBlank()) {
                        continue;
                    }
                    Object object = serialization.unmarshal(doc);
                    assertThat(object).as(file.name()).isInstanceOf(HasMetadata.class);
                    assertThat(object.getClass().getPackageName()).startsWith("io.fabric8.kubernetes.api.model");
                    assertThat(unknownFields(object)).as("unknown fields in %s:\n%s", file.name(), doc).isEmpty();
                    assertThat(new ManifestYaml().write((HasMetadata) object)).isEqualTo("---\n" + doc);
                }
            }
        }
    }

    @Test
    void streamingTaskBecomesDeploymentWithProbesReplicasAndSecretReferences() {
        try (K8sManager k8s = new K8sManager()) {
            List<HasMetadata> objects = k8s.objects(seed("seed-streaming"));
            Deployment bolt = objects.stream().filter(o -> o instanceof Deployment)
                    .map(Deployment.class::cast).filter(d -> d.getMetadata().getName().equals("seed-streaming-bolt"))
                    .findFirst().orElseThrow();
            assertThat(bolt.getSpec().getReplicas()).isEqualTo(3);
            var container = bolt.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getArgs()).containsExactly("run", "/etc/geniusrise/pipeline.yaml", "--task", "bolt",
                    "--http-port", "8080");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
            assertThat(container.getEnv()).anySatisfy(e -> {
                assertThat(e.getName()).isEqualTo("KAFKA_SASL_PASSWORD");
                assertThat(e.getValue()).isNull();
                assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("kafka-credentials");
                assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
            });
            assertThat(bolt.getSpec().getTemplate().getMetadata().getAnnotations())
                    .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8080");
            assertThat(bolt.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "geniusrise")
                    .containsEntry("geniusrise.ai/pipeline", "seed-streaming").containsEntry("geniusrise.ai/task", "bolt");
            assertThat(objects).anySatisfy(o -> assertThat(o.getKind()).isEqualTo("Service"));
        }
    }

    @Test
    void scheduledBatchTaskBecomesCronJobAndParallelOneAnIndexedJob(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, Files.readString(Golden.resource("pipelines/seed-batch.yaml"))
                .replace("    class: com.acme.pipelines.OrderEnricher", "    class: com.acme.pipelines.OrderEnricher\n    parallelism: 4"));
        try (K8sManager k8s = new K8sManager()) {
            List<HasMetadata> objects = k8s.objects(TaskManager.load(file, Map.of()));
            CronJob cron = objects.stream().filter(o -> o instanceof CronJob).map(CronJob.class::cast).findFirst()
                    .orElseThrow();
            assertThat(cron.getSpec().getSchedule()).isEqualTo("0 2 * * *");
            assertThat(cron.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
            assertThat(cron.getSpec().getSuccessfulJobsHistoryLimit()).isEqualTo(3);
            assertThat(cron.getSpec().getFailedJobsHistoryLimit()).isEqualTo(1);
            Job job = objects.stream().filter(o -> o instanceof Job).map(Job.class::cast).findFirst().orElseThrow();
            assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
            assertThat(job.getSpec().getCompletions()).isEqualTo(4);
            assertThat(job.getSpec().getParallelism()).isEqualTo(4);
            assertThat(job.getSpec().getBackoffLimit()).isEqualTo(3);
            assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(86_400);
            assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                    .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("GENIUSRISE_SHARD_COUNT=4"));
        }
    }

    /** The paths of every value fabric8 kept in an additionalProperties map: fields its model does not know. */
    static List<String> unknownFields(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(Object o, String path, List<String> found, Map<Object, Boolean> seen) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum
                || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, found, seen));
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                walk(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (!o.getClass().getPackageName().startsWith("io.fabric8")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object value = m.invoke(o);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        found.add(path + " " + extra.keySet());
                    }
                } else {
                    walk(value, path + "." + m.getName().substring(3), found, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("cannot read " + m + " of " + path, e);
            }
        }
    }
}
