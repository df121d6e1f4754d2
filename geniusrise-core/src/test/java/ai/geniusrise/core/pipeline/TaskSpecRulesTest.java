package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The rules that tie a task's fields together live on {@link TaskSpec}: a spec built in code
 * gets the same checks, with the same words, as one parsed from a pipeline file.
 */
class TaskSpecRulesTest {

    private static final InputConfig TOPIC = StreamingInputConfig.builder("clicks").build();
    private static final InputConfig OBJECTS = BatchInputConfig.builder("s3://lake/raw").build();
    private static final OutputConfig TO_TOPIC = StreamingOutputConfig.builder("clean").build();
    private static final OutputConfig TO_OBJECTS = BatchOutputConfig.builder("s3://lake/clean").build();

    private static TaskSpec.Deployment deployment(Integer replicas, String schedule, Integer parallelism) {
        return new TaskSpec.Deployment(null, replicas, schedule == null ? null : CronSchedule.parse(schedule),
                parallelism, Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** The mistake a spec built in code is refused with. */
    private static ConfigException refusedInCode(UnaryOperator<TaskSpec.Builder> mistake) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> mistake.apply(TaskSpec.builder("cleaner", TaskSpec.Kind.BOLT)).build());
        assertThat(e).as("the builder refuses the spec").isNotNull();
        return e;
    }

    /** The mistake the same task, written in a pipeline file, is refused with. */
    private static ConfigException refusedInFile(String task) {
        String yaml = "tasks:\n  - name: cleaner\n" + task.stripIndent().indent(4);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> PipelineParser.parse(yaml, Path.of("p.yaml"), Map.of()));
        assertThat(e).as("the parser refuses:\n%s", yaml).isNotNull();
        return e;
    }

    @Test
    void aScheduleOnAStreamingTaskIsRefusedInCodeAsInAFile() {
        ConfigException code = refusedInCode(b -> b.input(TOPIC).output(TO_TOPIC)
                .deployment(deployment(null, "*/5 * * * *", null)));
        ConfigException file = refusedInFile("""
                type: bolt
                schedule: "*/5 * * * *"
                config:
                  inputConfig: {type: streaming, source: clicks}
                  outputConfig: {type: streaming, destination: clean}
                """);

        assertThat(code.path()).isEqualTo("schedule");
        assertThat(code.problem()).startsWith("a schedule is for batch tasks, but task 'cleaner' reads a stream")
                .isEqualTo(file.problem());
        assertThat(file.path()).isEqualTo("tasks[0].schedule");
    }

    @Test
    void replicasOnABatchTaskAreRefusedWhenTheSpecIsBuiltNotOnlyWhenItIsDeployed() {
        ConfigException code = refusedInCode(b -> b.input(OBJECTS).output(TO_OBJECTS)
                .deployment(deployment(3, null, null)));
        ConfigException file = refusedInFile("""
                type: bolt
                replicas: 3
                config:
                  inputConfig: {type: batch, source: s3://lake/raw}
                  outputConfig: {type: batch, destination: s3://lake/clean}
                """);

        assertThat(code.path()).isEqualTo("replicas");
        assertThat(code.problem()).contains("is for streaming tasks").isEqualTo(file.problem());
    }

    @Test
    void parallelismOnAStreamingTaskIsRefused() {
        ConfigException code = refusedInCode(b -> b.input(TOPIC).output(TO_OBJECTS)
                .deployment(deployment(null, null, 4)));

        assertThat(code.path()).isEqualTo("parallelism");
        assertThat(code.problem()).contains("use replicas");
    }

    @Test
    void checkpointsOfABoltWritingObjectsAreRefusedInCode() {
        BatchInputConfig in = BatchInputConfig.builder("s3://lake/raw").checkpointRecords(1000).build();
        ConfigException code = refusedInCode(b -> b.input(in).output(TO_OBJECTS));

        assertThat(code.path()).isEqualTo("config.inputConfig.checkpointRecords");
        assertThat(code.problem()).startsWith("checkpointRecords is for a bolt writing a stream (S3 to Kafka)");
        // the same input writing a stream is what the setting is for
        assertThat(TaskSpec.builder("loader", TaskSpec.Kind.BOLT).input(in).output(TO_TOPIC).build().streaming())
                .isFalse();
    }

    @Test
    void selectOnASpoutIsRefusedInCode() {
        BatchInputConfig in = BatchInputConfig.builder("/data/in").select(BatchInputConfig.Selection.NEW).build();
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> TaskSpec.builder("files", TaskSpec.Kind.SPOUT).input(in).output(TO_TOPIC).build());

        assertThat(e.path()).isEqualTo("config.inputConfig.select");
    }

    @Test
    void exactlyOnceNeedsABoltFromKafkaToKafka() {
        ConfigException code = refusedInCode(b -> b.input(TOPIC).output(TO_OBJECTS).guarantee(Guarantee.EXACTLY_ONCE));

        assertThat(code.path()).isEqualTo("guarantee");
    }

    @Test
    void aSpoutReadingAStreamMustWriteOneBecauseABatchOutputCommitsOnlyWhenARunEndsByItself() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> TaskSpec.builder("lines", TaskSpec.Kind.SPOUT)
                        .input(StreamingInputConfig.builder("tcp://0.0.0.0:9000").build()).output(TO_OBJECTS).build());

        assertThat(e.path()).isEqualTo("config.outputConfig.type");
        assertThat(e.problem()).contains("reads a stream and runs until stopped");
    }

    /** A task reading a stream runs until stopped, whatever its kind and whatever it writes. */
    @ParameterizedTest(name = "{0} from {1} to {2}: streaming {3}")
    @CsvSource({
            "BOLT,  stream,  stream,  true",
            "BOLT,  stream,  objects, true",
            "BOLT,  objects, stream,  false",
            "BOLT,  objects, objects, false",
            "SPOUT, stream,  stream,  true",
            "SPOUT, objects, stream,  false",
            "SPOUT, objects, objects, false"})
    void aTaskIsStreamingWhenItReadsAStream(TaskSpec.Kind kind, String from, String to, boolean streaming) {
        TaskSpec spec = TaskSpec.builder("task", kind)
                .input(from.equals("stream") ? TOPIC : BatchInputConfig.builder("/data/in").build())
                .output(to.equals("stream") ? TO_TOPIC : TO_OBJECTS).build();

        assertThat(spec.streaming()).isEqualTo(streaming);
    }
}
