package ai.geniusrise.deploy;

import ai.geniusrise.core.pipeline.Pipeline;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EcsRenderTest {

    static Pipeline seed(String name) {
        return K8sRenderTest.seed(name);
    }

    /** The file read back into the SDK request it is named for; unknown properties fail. */
    static SdkPojo readBack(DeploymentFile file) throws IOException {
        JsonNode json = AwsJson.MAPPER.readTree(file.content());
        String name = file.name();
        if (name.endsWith(".task-definition.json")) {
            return AwsJson.read(json, (SdkPojo) RegisterTaskDefinitionRequest.builder(), name);
        }
        if (name.endsWith(".service.json")) {
            return AwsJson.read(json, (SdkPojo) CreateServiceRequest.builder(), name);
        }
        if (name.endsWith(".schedule.json")) {
            return AwsJson.read(json, (SdkPojo) CreateScheduleRequest.builder(), name);
        }
        if (name.endsWith(".run-task.json")) {
            return AwsJson.read(json, (SdkPojo) RunTaskRequest.builder(), name);
        }
        throw new AssertionError("unexpected file " + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed-batch", "seed-streaming"})
    void seedExampleRendersTheReviewedGoldenFiles(String example) {
        try (ECSManager ecs = new ECSManager()) {
            Golden.check(example + "/ecs", ecs.render(seed(example)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed-batch", "seed-streaming"})
    void everyFileReadsBackIntoItsSdkRequestWithOnlyKnownEnumValuesAndWritesBackTheSame(String example)
            throws IOException {
        try (ECSManager ecs = new ECSManager()) {
            for (DeploymentFile file : ecs.render(seed(example))) {
                SdkPojo request = readBack(file);
                assertThat(unknownEnums(request, file.name())).as(file.name()).isEmpty();
                assertThat(AwsJson.text(request)).isEqualTo(file.content());
            }
        }
    }

    @Test
    void readingBackFailsOnAPropertyTheModelDoesNotHave() throws IOException {
        JsonNode json = AwsJson.MAPPER.readTree("{\"family\": \"x\", \"containerDefinitions\": [{\"name\": \"a\", "
                + "\"imag\": \"b\"}]}");
        assertThatThrownBy(() -> AwsJson.read(json, (SdkPojo) RegisterTaskDefinitionRequest.builder(), "td"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("td.containerDefinitions[0]: unknown property 'imag'");
    }

    @Test
    void streamingTaskBecomesAFargateServiceScheduledBatchASchedule() throws IOException {
        try (ECSManager ecs = new ECSManager()) {
            List<DeploymentFile> streaming = ecs.render(seed("seed-streaming"));
            assertThat(streaming).extracting(DeploymentFile::name).containsExactly(
                    "streaming-spout.task-definition.json", "streaming-spout.service.json",
                    "bolt.task-definition.json", "bolt.service.json");
            CreateServiceRequest service = (CreateServiceRequest) readBack(streaming.get(3));
            assertThat(service.desiredCount()).isEqualTo(3);
            assertThat(service.launchTypeAsString()).isEqualTo("FARGATE");
            RegisterTaskDefinitionRequest td = (RegisterTaskDefinitionRequest) readBack(streaming.get(2));
            assertThat(td.networkModeAsString()).isEqualTo("awsvpc");
            assertThat(td.cpu()).isEqualTo("512");
            assertThat(td.memory()).isEqualTo("1024");
            assertThat(td.containerDefinitions().get(0).secrets()).singleElement().satisfies(s -> {
                assertThat(s.name()).isEqualTo("KAFKA_SASL_PASSWORD");
                assertThat(s.valueFrom()).isEqualTo(
                        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-credentials:password::");
            });
            assertThat(td.containerDefinitions().get(0).logConfiguration().options())
                    .containsEntry("awslogs-group", "/geniusrise/seed-streaming");

            List<DeploymentFile> batch = ecs.render(seed("seed-batch"));
            assertThat(batch).extracting(DeploymentFile::name).containsExactly(
                    "batch-spout.task-definition.json", "batch-spout.schedule.json",
                    "bolt.task-definition.json", "bolt.run-task.json");
            CreateScheduleRequest schedule = (CreateScheduleRequest) readBack(batch.get(1));
            assertThat(schedule.scheduleExpression()).isEqualTo("cron(0 2 * * ? *)");
            assertThat(schedule.target().ecsParameters().taskDefinitionArn())
                    .isEqualTo("arn:aws:ecs:eu-west-1:123456789012:task-definition/seed-batch-batch-spout");
        }
    }

    /** Every enum-typed member whose value the SDK does not know. */
    static List<String> unknownEnums(SdkPojo pojo, String path) {
        List<String> found = new ArrayList<>();
        for (Method m : pojo.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                if (m.getReturnType().isEnum()) {
                    Object v = m.invoke(pojo);
                    if (v != null && ((Enum<?>) v).name()
                            .equals("UNKNOWN_TO_SDK_VERSION")) {
                        found.add(path + "." + m.getName());
                    }
                } else if (List.class.isAssignableFrom(m.getReturnType())
                        && m.getGenericReturnType() instanceof ParameterizedType p
                        && p.getActualTypeArguments()[0] instanceof Class<?> c && c.isEnum()) {
                    for (Object v : (List<?>) m.invoke(pojo)) {
                        if (((Enum<?>) v).name().equals("UNKNOWN_TO_SDK_VERSION")) {
                            found.add(path + "." + m.getName());
                        }
                    }
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("cannot read " + m, e);
            }
        }
        for (SdkField<?> f : pojo.sdkFields()) {
            Object v = f.getValueOrDefault(pojo);
            if (v instanceof SdkPojo child) {
                found.addAll(unknownEnums(child, path + "." + f.locationName()));
            } else if (v instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof SdkPojo child) {
                        found.addAll(unknownEnums(child, path + "." + f.locationName() + "[]"));
                    }
                }
            } else if (v instanceof Map<?, ?> map) {
                map.values().stream().filter(SdkPojo.class::isInstance)
                        .forEach(child -> found.addAll(unknownEnums((SdkPojo) child, path + "." + f.locationName())));
            }
        }
        return found;
    }
}
