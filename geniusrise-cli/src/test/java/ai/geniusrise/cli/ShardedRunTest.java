package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.UppercaseBolt;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.Shard;
import ai.geniusrise.core.runtime.TaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pods of an Indexed Job each read their shard of one input into one output. */
class ShardedRunTest {

    @TempDir
    Path dir;

    @Test
    void threeShardsTogetherWriteEveryRecordExactlyOnceAndNoShardOverwritesAnother() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        List<String> expected = new ArrayList<>();
        for (int f = 0; f < 12; f++) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                lines.append("{\"f\":").append(f).append(",\"i\":").append(i).append("}\n");
                expected.add("{\"F\":" + f + ",\"I\":" + i + "}");
            }
            Files.writeString(in.resolve("file-" + f + ".jsonl"), lines);
        }
        Path out = dir.resolve("out");
        TaskSpec spec = TaskSpec.builder("upper", TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(BatchInputConfig.builder(in.toString()).build())
                .output(BatchOutputConfig.builder(out.toString()).build()).build();

        List<Long> perShard = new ArrayList<>();
        for (int shard = 0; shard < 3; shard++) {
            RunSummary summary = TaskRunner.builder(spec).shard(new Shard(shard, 3)).runId("daily").build().run();
            perShard.add(summary.recordsIn());
        }

        assertThat(CliRun.visibleLines(out)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(perShard).allMatch(n -> n > 0 && n < 600).as("each shard read a part").hasSize(3);
        assertThat(perShard.stream().mapToLong(Long::longValue).sum()).isEqualTo(600);
        assertThat(Files.list(out.resolve("_geniusrise")).map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("commit-")).sorted().toList())
                .containsExactly("commit-daily-s0.json", "commit-daily-s1.json", "commit-daily-s2.json");
    }
}
