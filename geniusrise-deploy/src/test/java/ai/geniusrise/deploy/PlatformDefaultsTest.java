package ai.geniusrise.deploy;

import ai.geniusrise.core.pipeline.Pipeline;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The defaults a platform engineer expects, and that each is overridden in {@code deploy:}. */
class PlatformDefaultsTest {

    @TempDir
    Path dir;

    private static final String PIPELINE = """
            name: shop
            defaults:
              image: ghcr.io/acme/pipelines:2.3.1
              deploy: {DEPLOY}
            tasks:
              - name: listener
                type: spout
                class: ai.geniusrise.io.http.HttpListenerSpout
                replicas: 2
                config:
                  inputConfig: {type: streaming, source: "http://0.0.0.0:9000/events"}
                  outputConfig: {type: streaming, destination: events}
              - name: nightly
                type: bolt
                schedule: "0 3 * * *"
                config:
                  inputConfig: {type: batch, source: s3://b/in}
                  outputConfig: {type: batch, destination: s3://b/out}
              - name: once
                type: bolt
                config:
                  inputConfig: {type: batch, source: s3://b/in2}
                  outputConfig: {type: batch, destination: s3://b/out2}
            """;

    private static final String ECS = "cluster: arn:aws:ecs:eu-west-1:123456789012:cluster/p, subnets: [s-1], "
            + "executionRoleArn: arn:aws:iam::123456789012:role/exec, schedulerRoleArn: arn:aws:iam::123456789012:role/s";

    private Pipeline load(String deploy) throws IOException {
        Path file = dir.resolve("shop.yaml");
        Files.writeString(file, PIPELINE.replace("DEPLOY", deploy.isEmpty() ? ECS : ECS + ", " + deploy),
                StandardCharsets.UTF_8);
        return TaskManager.load(file, Map.of());
    }

    private static List<HasMetadata> objects(Pipeline p) {
        try (K8sManager k8s = new K8sManager()) {
            return k8s.objects(p);
        }
    }

    private static <T> T one(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).findFirst().orElseThrow();
    }

    private static List<PodSpec> pods(List<HasMetadata> objects) {
        return List.of(one(objects, Deployment.class).getSpec().getTemplate().getSpec(),
                one(objects, CronJob.class).getSpec().getJobTemplate().getSpec().getTemplate().getSpec(),
                one(objects, Job.class).getSpec().getTemplate().getSpec());
    }

    @Test
    void kubernetesDefaults() throws IOException {
        List<HasMetadata> objects = objects(load(""));
        for (PodSpec pod : pods(objects)) {
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo("tmp");
                assertThat(v.getEmptyDir()).isNotNull();
            });
            Container c = pod.getContainers().get(0);
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("250m"))
                    .containsEntry("memory", new Quantity("512Mi"));
            assertThat(c.getResources().getLimits()).containsOnlyKeys("memory").containsEntry("memory",
                    new Quantity("512Mi"));
            assertThat(c.getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                    .contains(org.assertj.core.groups.Tuple.tuple("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75"));
        }
        Container listener = pods(objects).get(0).getContainers().get(0);
        assertThat(listener.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(listener.getStartupProbe().getPeriodSeconds() * listener.getStartupProbe().getFailureThreshold())
                .isEqualTo(120);
        assertThat(one(objects, CronJob.class).getSpec().getTimeZone()).isEqualTo("Etc/UTC");
        assertThat(one(objects, CronJob.class).getSpec().getJobTemplate().getSpec().getActiveDeadlineSeconds())
                .isEqualTo(21_600L);
        assertThat(one(objects, Job.class).getSpec().getActiveDeadlineSeconds()).isEqualTo(21_600L);
        assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/version", "2.3.1"));
        PodDisruptionBudget pdb = one(objects, PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry("geniusrise.ai/task", "listener");
        assertThat(objects).filteredOn(o -> o instanceof PodDisruptionBudget).hasSize(1);
    }

    @Test
    void eachKubernetesDefaultIsOverriddenInDeploy() throws IOException {
        List<HasMetadata> objects = objects(load("readOnlyRootFilesystem: false, automountServiceAccountToken: true, "
                + "runAsUser: 10001, maxRAMPercentage: 60, activeDeadlineSeconds: 3600, timeZone: Europe/Berlin, "
                + "startupSeconds: 300, podDisruptionBudget: false"));
        for (PodSpec pod : pods(objects)) {
            assertThat(pod.getAutomountServiceAccountToken()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
            Container c = pod.getContainers().get(0);
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isFalse();
            assertThat(c.getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                    .contains(org.assertj.core.groups.Tuple.tuple("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=60"));
        }
        Container listener = pods(objects).get(0).getContainers().get(0);
        assertThat(listener.getStartupProbe().getPeriodSeconds() * listener.getStartupProbe().getFailureThreshold())
                .isEqualTo(300);
        assertThat(one(objects, CronJob.class).getSpec().getTimeZone()).isEqualTo("Europe/Berlin");
        assertThat(one(objects, Job.class).getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
        assertThat(objects).noneMatch(o -> o instanceof PodDisruptionBudget);
        try (ECSManager ecs = new ECSManager()) {
            assertThat(ecs.plans(load("timeZone: Europe/Berlin")).get(1).schedule().scheduleExpressionTimezone())
                    .isEqualTo("Europe/Berlin");
        }
        assertThatThrownBy(() -> objects(load("timeZone: Mars/Olympus")))
                .hasMessageContaining("defaults.deploy.timeZone: expected a time zone of the tz database, such as "
                        + "Etc/UTC or Europe/Berlin, got 'Mars/Olympus' (inherited from defaults by task 'listener')");
    }

    @Test
    void ecsListenerIsReachableThroughATargetGroupOrServiceConnect() throws IOException {
        try (ECSManager ecs = new ECSManager()) {
            CreateServiceRequest service = ecs.plans(load("targetGroupArn: "
                    + "'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/events/0123456789abcdef', "
                    + "serviceConnectNamespace: pipelines")).get(0).service();
            assertThat(service.loadBalancers()).singleElement().satisfies(lb -> {
                assertThat(lb.containerName()).isEqualTo("listener");
                assertThat(lb.containerPort()).isEqualTo(9000);
            });
            assertThat(service.serviceConnectConfiguration().enabled()).isTrue();
            assertThat(service.serviceConnectConfiguration().namespace()).isEqualTo("pipelines");
            assertThat(service.serviceConnectConfiguration().services()).singleElement().satisfies(s -> {
                assertThat(s.portName()).isEqualTo("listen");
                assertThat(s.clientAliases().get(0).port()).isEqualTo(9000);
            });
        }
    }
}
