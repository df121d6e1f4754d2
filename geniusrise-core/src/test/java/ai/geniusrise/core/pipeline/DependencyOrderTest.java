package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DependencyOrderTest {

    private static TaskSpec batch(String name, TaskSpec.Kind kind, String in, String out) {
        return TaskSpec.builder(name, kind).input(BatchInputConfig.builder(in).build())
                .output(BatchOutputConfig.builder(out).build()).build();
    }

    @Test
    void aTaskRunsAfterTheTasksWhoseOutputItReads() {
        TaskSpec report = batch("report", TaskSpec.Kind.BOLT, "s3://b/clean", "s3://b/report");
        TaskSpec clean = batch("clean", TaskSpec.Kind.BOLT, "s3://b/raw/2024", "s3://b/clean");
        TaskSpec fetch = batch("fetch", TaskSpec.Kind.SPOUT, "https://example.com/feed", "s3://b/raw");
        TaskSpec other = TaskSpec.builder("other", TaskSpec.Kind.BOLT).input(StreamingInputConfig.builder("t1").build())
                .output(StreamingOutputConfig.builder("t2").build()).build();

        Pipeline p = new Pipeline("p", Path.of("p.yaml"), List.of(report, other, clean, fetch), List.of());

        assertThat(p.inDependencyOrder()).extracting(TaskSpec::name).containsExactly("other", "fetch", "clean", "report");
    }
}
