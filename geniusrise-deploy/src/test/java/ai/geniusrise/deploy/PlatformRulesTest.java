package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.Pipeline;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.PortMapping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the platforms enforce beyond reading a file back: ports that do not collide and agree
 * with what the container runs, no secret value in any file, and the API servers' rules for
 * names, labels, ports, cron and network settings, each refused where it is written.
 */
class PlatformRulesTest extends PipelineFileTest {

    private static final String ECS_DEFAULTS = DeployChecksTest.ECS_DEFAULTS;

    private static String listener(String source) {
        return """
                name: events
                defaults:
                  image: acme/x:1
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: listener
                    type: spout
                    class: ai.geniusrise.io.http.HttpListenerSpout
                    config:
                      inputConfig: {type: streaming, source: "%s"}
                      outputConfig: {type: streaming, destination: events}
                """.formatted(source);
    }

    private static Container k8sContainer(Pipeline pipeline) {
        try (K8sManager k8s = new K8sManager()) {
            return k8s.objects(pipeline).stream().filter(o -> o instanceof Deployment).map(Deployment.class::cast)
                    .findFirst().orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0);
        }
    }

    private static ContainerDefinition ecsContainer(Pipeline pipeline) {
        try (ECSManager ecs = new ECSManager()) {
            return ecs.plans(pipeline).get(0).taskDefinition().containerDefinitions().get(0);
        }
    }

    private static String flag(List<String> args, String name) {
        return args.get(args.indexOf(name) + 1);
    }

    @Test
    void listenerOn8080MovesTheHealthPortTo8081OnBothTargets() throws IOException {
        Pipeline pipeline = TaskManager.load(file(listener("http://0.0.0.0:8080/events")), Map.of());
        Container c = k8sContainer(pipeline);
        assertThat(c.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(8081, 8080);
        assertThat(flag(c.getArgs(), "--http-port")).isEqualTo("8081");
        ContainerDefinition td = ecsContainer(pipeline);
        assertThat(td.portMappings()).extracting(PortMapping::containerPort).containsExactly(8081, 8080);
        assertThat(flag(td.command(), "--http-port")).isEqualTo("8081");
        assertThat(td.healthCheck().command()).anySatisfy(s -> assertThat(s).contains("localhost:8081/healthz"));
    }

    @Test
    void healthPortSetToTheListenPortIsALocatedError() throws IOException {
        Path f = file(listener("http://0.0.0.0:9000/events").replace("  deploy:\n", "  deploy:\n    httpPort: 9000\n"));
        Pipeline pipeline = TaskManager.load(f, Map.of());
        for (TaskManager m : List.of(new K8sManager(), new ECSManager())) {
            assertThatThrownBy(() -> m.render(pipeline)).as(m.target()).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(f + ":11:5: tasks[0].deploy.httpPort: is 9000, the port the spout listens on");
        }
    }

    @Test
    void listenPortFromAVariableIsPassedToTheContainerSoBothAgree() throws IOException {
        Pipeline pipeline = TaskManager.load(file(listener("http://0.0.0.0:${EVENTS_PORT:-8080}/events")),
                Map.of("EVENTS_PORT", "9000"));
        Container c = k8sContainer(pipeline);
        assertThat(c.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(8080, 9000);
        assertThat(c.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
                org.assertj.core.groups.Tuple.tuple("EVENTS_PORT", "9000"));
        try (K8sManager k8s = new K8sManager()) {
            Service service = k8s.objects(pipeline).stream().filter(o -> o instanceof Service).map(Service.class::cast)
                    .findFirst().orElseThrow();
            assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(9000);
        }
        ContainerDefinition td = ecsContainer(pipeline);
        assertThat(td.portMappings()).extracting(PortMapping::containerPort).containsExactly(8080, 9000);
        assertThat(td.environment()).anySatisfy(e -> {
            assertThat(e.name()).isEqualTo("EVENTS_PORT");
            assertThat(e.value()).isEqualTo("9000");
        });
        // unset here: the default on both sides, and 8080 taken by the listener moves the health port
        Container byDefault = k8sContainer(TaskManager.load(file(listener("http://0.0.0.0:${EVENTS_PORT:-8080}/events")),
                Map.of()));
        assertThat(byDefault.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(8081, 8080);
        assertThat(byDefault.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
                org.assertj.core.groups.Tuple.tuple("EVENTS_PORT", "8080"));
    }

    @Test
    void envValueFromASecretVariableIsAReferenceTheContainerExpandsNeverTheValue() throws IOException {
        Path f = file("""
                name: safe
                defaults:
                  image: acme/x:1
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: bolt
                    type: bolt
                    env: {DB_URL_COPY: "${STATE_DB_URL}", GREETING: "cost $(not a reference)"}
                    secrets: {STATE_DB_URL: db/url}
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                """);
        Pipeline pipeline = TaskManager.load(f, Map.of("STATE_DB_URL", "SENTINEL-db-url-value"));
        Container c = k8sContainer(pipeline);
        assertThat(c.getEnv()).extracting(EnvVar::getName).containsExactly("STATE_DB_URL", "JAVA_TOOL_OPTIONS",
                "DB_URL_COPY", "GREETING");
        assertThat(c.getEnv().get(2).getValue()).isEqualTo("$(STATE_DB_URL)");
        assertThat(c.getEnv().get(3).getValue()).isEqualTo("cost $$(not a reference)");
        ContainerDefinition td = ecsContainer(pipeline);
        assertThat(td.secrets()).extracting(s -> s.name() + "=" + s.valueFrom()).containsExactly(
                "DB_URL_COPY=arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:url::",
                "STATE_DB_URL=arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:url::");
        for (TaskManager m : List.of(new K8sManager(), new ECSManager())) {
            assertThat(m.render(pipeline)).allSatisfy(file -> assertThat(file.content()).doesNotContain("SENTINEL"));
        }
        // ECS passes a secret only whole
        Path g = file(Files.readString(f).replace("\"${STATE_DB_URL}\"", "\"url=${STATE_DB_URL}\""));
        assertThatThrownBy(() -> new ECSManager().render(TaskManager.load(g, Map.of("STATE_DB_URL", "SENTINEL"))))
                .hasMessageContaining(g + ":12:24: tasks[0].env.DB_URL_COPY: composes secret variable STATE_DB_URL");
        assertThat(k8sContainer(TaskManager.load(g, Map.of("STATE_DB_URL", "SENTINEL"))).getEnv().get(2).getValue())
                .isEqualTo("url=$(STATE_DB_URL)");
    }

    @Test
    void deploymentSettingExpandingASecretLookingVariableIsALocatedError() throws IOException {
        Path f = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    deploy: {annotations: {vault: "${API_TOKEN}"}}
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                """);
        Pipeline pipeline = TaskManager.load(f, Map.of("API_TOKEN", "SENTINEL"));
        assertThatThrownBy(() -> new K8sManager().render(pipeline)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(f + ":5:35: '${API_TOKEN}' looks like a secret");
        Path g = file(Files.readString(f).replace("    deploy:", "    secrets: {API_TOKEN: api/token}\n    deploy:"));
        assertThatThrownBy(() -> new K8sManager().render(TaskManager.load(g, Map.of("API_TOKEN", "SENTINEL"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tasks[0].deploy.annotations.vault: expands secret variable API_TOKEN");
    }

    @Test
    void inlinePasswordInAKnownSecretKeyIsALocatedErrorAndACredentialLiteralAWarning() throws IOException {
        Path f = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    config:
                      inputConfig:
                        type: streaming
                        source: a
                        properties: {sasl.jaas.config: "org.apache.kafka.common.security.plain.PlainLoginModule required username=app password=\\"hunter2\\";"}
                      outputConfig: {type: streaming, destination: b}
                """);
        assertThatThrownBy(() -> new K8sManager().render(TaskManager.load(f, Map.of())))
                .hasMessageContaining(f + ":9:40: 'sasl.jaas.config' holds a password inline");
        Path g = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                      stateConfig: {type: postgres, url: "postgresql://db:5432/state", user: app, password: hunter2}
                """);
        assertThatThrownBy(() -> new ECSManager().render(TaskManager.load(g, Map.of())))
                .hasMessageContaining(g + ":8:93: 'password' is written inline");
        Path h = file("""
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    args: {note: AKIAABCDEFGHIJKLMNOP}
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                """);
        assertThat(TaskManager.load(h, Map.of()).warnings()).anySatisfy(w -> assertThat(w)
                .startsWith(h + ":5:18: this value looks like a credential"));
    }

    @Test
    void sentinelSecretsInTheEnvironmentReachNoGeneratedFileOnEitherTarget() throws IOException {
        Path f = file("""
                name: safe
                defaults:
                  image: acme/x:1
                  env: {LOG_LEVEL: info}
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: bolt
                    type: bolt
                    env: {DB_URL_COPY: "${STATE_DB_URL}", KAFKA_PASS_COPY: "${KAFKA_SASL_PASSWORD}"}
                    secrets: {STATE_DB_URL: db/url, KAFKA_SASL_PASSWORD: kafka/password}
                    config:
                      inputConfig:
                        type: streaming
                        source: a
                        properties: {sasl.jaas.config: "x required username=app password=\\"${KAFKA_SASL_PASSWORD}\\";"}
                      outputConfig: {type: streaming, destination: b}
                      stateConfig: {type: postgres, url: "${STATE_DB_URL}"}
                  - name: nightly
                    type: bolt
                    schedule: "0 3 * * *"
                    secrets: {STATE_DB_URL: db/url}
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {type: batch, destination: s3://b/out}
                      stateConfig: {type: postgres, url: "${STATE_DB_URL}"}
                """);
        Map<String, String> env = Map.of("STATE_DB_URL", "SENTINEL-1-postgresql://u:p@db/x",
                "KAFKA_SASL_PASSWORD", "SENTINEL-2");
        for (TaskManager m : List.of(new K8sManager(), new ECSManager())) {
            List<Path> written = m.write(TaskManager.load(f, env), dir.resolve(m.target()));
            assertThat(written).hasSize(m.target().equals("k8s") ? 2 : 4);
            for (Path p : written) {
                assertThat(Files.readString(p)).as(p.toString()).doesNotContain("SENTINEL");
            }
        }
    }

    @Test
    void scheduleAndServiceWithoutSecurityGroupsOmitTheMember() throws IOException {
        Path f = file("""
                defaults:
                  image: acme/x:1
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: nightly
                    type: bolt
                    schedule: "0 3 * * *"
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {type: batch, destination: s3://b/out}
                  - name: stream
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                """);
        List<DeploymentFile> files = new ECSManager().render(TaskManager.load(f, Map.of()));
        assertThat(files).extracting(DeploymentFile::name).contains("nightly.schedule.json", "stream.service.json");
        assertThat(files).allSatisfy(file -> assertThat(file.content()).as(file.name()).doesNotContainIgnoringCase(
                "securityGroups"));
    }

    @Test
    void dayOfWeekSevenBecomesZeroOnKubernetesAndWrappingRangesAreListedOnEcs() throws IOException {
        Path f = file("""
                defaults:
                  image: acme/x:1
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: weekend
                    type: bolt
                    schedule: "0 3 * * 5-7"
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {type: batch, destination: s3://b/out}
                  - name: sunday
                    type: bolt
                    schedule: "0 4 * * 1,7"
                    config:
                      inputConfig: {type: batch, source: s3://b/in2}
                      outputConfig: {type: batch, destination: s3://b/out2}
                """);
        Pipeline pipeline = TaskManager.load(f, Map.of());
        try (K8sManager k8s = new K8sManager()) {
            assertThat(k8s.objects(pipeline)).filteredOn(o -> o instanceof CronJob)
                    .extracting(o -> ((CronJob) o).getSpec().getSchedule())
                    .containsExactly("0 3 * * 5,6,0", "0 4 * * 1,0");
        }
        try (ECSManager ecs = new ECSManager()) {
            assertThat(ecs.plans(pipeline)).extracting(p -> p.schedule().scheduleExpression())
                    .containsExactly("cron(0 3 ? * 6,7,1 *)", "cron(0 4 ? * 2,1 *)");
        }
    }

    @Test
    void publicAddressOnEc2IsALocatedError() throws IOException {
        Path f = file(listener("http://0.0.0.0:9000/events")
                .replace("  deploy:\n", "  deploy:\n    launchType: EC2\n    assignPublicIp: true\n"));
        assertThatThrownBy(() -> new ECSManager().render(TaskManager.load(f, Map.of())))
                .hasMessageContaining(f + ":12:5: tasks[0].deploy.assignPublicIp: is for Fargate only");
    }

    @Test
    void gpuAndEphemeralStorageAreMappedOnEcsOrRefused() throws IOException {
        String yaml = """
                defaults:
                  image: acme/x:1
                """ + ECS_DEFAULTS + """
                tasks:
                  - name: train
                    type: bolt
                    resources: {cpu: "1", memory: 4Gi, RESOURCES}
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {type: batch, destination: s3://b/out}
                """;
        Path gpu = file(yaml.replace("RESOURCES", "nvidia.com/gpu: \"1\"").replace("  deploy:\n",
                "  deploy:\n    launchType: EC2\n"));
        try (ECSManager ecs = new ECSManager()) {
            ContainerDefinition c = ecs.plans(TaskManager.load(gpu, Map.of())).get(0).taskDefinition()
                    .containerDefinitions().get(0);
            assertThat(c.resourceRequirements()).extracting(r -> r.typeAsString() + "=" + r.value())
                    .containsExactly("GPU=1");
            Path onFargate = file(yaml.replace("RESOURCES", "nvidia.com/gpu: \"1\""));
            assertThatThrownBy(() -> ecs.render(TaskManager.load(onFargate, Map.of())))
                    .hasMessageContaining("tasks[0].resources.nvidia.com/gpu: Fargate has no GPUs");
            Path disk = file(yaml.replace("RESOURCES", "ephemeral-storage: 50Gi"));
            assertThat(ecs.plans(TaskManager.load(disk, Map.of())).get(0).taskDefinition().ephemeralStorage()
                    .sizeInGiB()).isEqualTo(50);
            Path other = file(yaml.replace("RESOURCES", "example.com/fpga: \"1\""));
            assertThatThrownBy(() -> ecs.render(TaskManager.load(other, Map.of())))
                    .hasMessageContaining("tasks[0].resources.example.com/fpga: ECS has no resource");
        }
    }

    @Test
    void namesLabelsPoliciesAndPortsTheApiServerRefusesAreLocatedErrors() throws IOException {
        Path digit = file(listener("http://0.0.0.0:9000/events").replace("name: events", "name: 1events"));
        assertThatThrownBy(() -> new K8sManager().render(TaskManager.load(digit, Map.of())))
                .hasMessageContaining(digit + ":1:7: ").hasMessageContaining("is not a DNS-1035 label");
        String bolt = """
                defaults: {image: acme/x:1}
                tasks:
                  - name: bolt
                    type: bolt
                    deploy: {SETTING}
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig: {type: streaming, destination: b}
                """;
        Map<String, String> refused = Map.of(
                "imagePullPolicy: always", ":5:31: tasks[0].deploy.imagePullPolicy: expected one of Always, IfNotPresent, "
                        + "Never, got 'always' (did you mean 'Always'?)",
                "httpPort: 70000", ":5:24: tasks[0].deploy.httpPort: expected a whole number from 1 to 65535",
                "labels: {team: data team}", ":5:22: tasks[0].deploy.labels: key 'team': 'data team' is not a valid "
                        + "label value",
                "labels: {-team: data}", ":5:22: tasks[0].deploy.labels: '-team' is not a valid key",
                "annotations: {example.com/: x}", "tasks[0].deploy.annotations: 'example.com/' is not a valid key",
                "serviceAccount: Robot", ":5:30: tasks[0].deploy.serviceAccount: 'Robot' is not a DNS-1123 subdomain");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            Path f = file(bolt.replace("SETTING", e.getKey()));
            assertThatThrownBy(() -> new K8sManager().render(TaskManager.load(f, Map.of()))).as(e.getKey())
                    .isInstanceOf(ConfigException.class).hasMessageContaining(e.getValue());
        }
        Path env = file(bolt.replace("    deploy: {SETTING}\n", "    env: {1ST_VAR: x}\n"));
        assertThatThrownBy(() -> new ECSManager().render(TaskManager.load(env, Map.of())))
                .hasMessageContaining(":5:20: tasks[0].env.1ST_VAR: '1ST_VAR' is not an environment variable name");
        Path port = file(listener("http://0.0.0.0:70000/events"));
        assertThatThrownBy(() -> new K8sManager().render(TaskManager.load(port, Map.of())))
                .hasMessageContaining("tasks[0].config.inputConfig.source: port 70000");
    }

    @Test
    void cronJobsJobTemplateCarriesTheDeployLabels() throws IOException {
        Path f = file("""
                defaults: {image: acme/x:1, deploy: {labels: {team: data}}}
                tasks:
                  - name: nightly
                    type: bolt
                    schedule: "0 3 * * *"
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {type: batch, destination: s3://b/out}
                """);
        try (K8sManager k8s = new K8sManager()) {
            List<HasMetadata> objects = k8s.objects(TaskManager.load(f, Map.of()));
            CronJob cron = objects.stream().filter(o -> o instanceof CronJob).map(CronJob.class::cast).findFirst()
                    .orElseThrow();
            assertThat(cron.getSpec().getJobTemplate().getMetadata().getLabels()).containsEntry("team", "data")
                    .containsEntry("geniusrise.ai/task", "nightly");
        }
    }
}
