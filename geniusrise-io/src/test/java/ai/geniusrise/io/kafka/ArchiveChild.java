package ai.geniusrise.io.kafka;

import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.TaskRunner;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The main of a child JVM running a Kafka→batch bolt until SIGTERM, for the kill test:
 * {@code ArchiveChild <bootstrap> <topic> <destination> [option=value ...]}.
 */
public final class ArchiveChild {

    private ArchiveChild() {
    }

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        TaskSpec spec = TaskSpec.builder("archiver", TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(StreamingInputConfig.builder(args[1]).bootstrapServers(args[0])
                        // a killed member holds its partitions until its session expires: keep that short
                        .properties(Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000")).build())
                .output(BatchOutputConfig.builder(args[2]).options(options).maxRecordsPerPart(500)
                        .flushInterval(Duration.ofMillis(300)).build())
                .build();
        TaskRunner.builder(spec).pipelineName("kills").handleSignals(Duration.ofSeconds(20)).build().run();
    }
}
