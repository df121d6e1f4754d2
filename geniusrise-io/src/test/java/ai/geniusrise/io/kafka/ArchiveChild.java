package ai.geniusrise.io.kafka;

import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.TaskRunner;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main of a child JVM running a Kafka→batch bolt until SIGTERM, for the kill test:
 * {@code ArchiveChild <bootstrap> <topic> <destination> [option=value ...]}; the options {@code format}
 * (JSON lines by default), {@code maxRecordsPerPart} (500) and {@code flushInterval} (ISO-8601, 0.3 s)
 * are the output's.
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
        Format format = Format.valueOf(options.getOrDefault("format", "jsonl").toUpperCase(Locale.ROOT));
        long maxRecords = Long.parseLong(options.getOrDefault("maxRecordsPerPart", "500"));
        Duration flushInterval = Duration.parse(options.getOrDefault("flushInterval", "PT0.3S"));
        options.keySet().removeAll(List.of("format", "maxRecordsPerPart", "flushInterval"));
        TaskSpec spec = TaskSpec.builder("archiver", TaskSpec.Kind.BOLT).taskClass(UppercaseBolt.class)
                .input(StreamingInputConfig.builder(args[1]).bootstrapServers(args[0])
                        // a killed member holds its partitions until its session expires: keep that short
                        .properties(Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000")).build())
                .output(BatchOutputConfig.builder(args[2]).format(format).options(options)
                        .maxRecordsPerPart(maxRecords).flushInterval(flushInterval).build())
                .build();
        TaskRunner.builder(spec).pipelineName("kills").handleSignals(Duration.ofSeconds(20)).build().run();
    }
}
