package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.TaskRunner;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The main of a child JVM running an at-least-once Kafka→Kafka bolt until SIGTERM, for the kill
 * test: {@code BoltChild <bootstrap> <input> <output> <generation> <commitRecords> <commitInterval>
 * [<ordering> <maxInFlight>]}.
 * Each output record carries the header {@code generation}, so the test knows which run wrote it.
 * The consumer group is {@code kills.<input>}.
 */
public final class BoltChild {

    private BoltChild() {
    }

    public static void main(String[] args) {
        TaskSpec spec = TaskSpec.builder("dups", TaskSpec.Kind.BOLT).taskClass(Tagging.class)
                .input(StreamingInputConfig.builder(args[1]).bootstrapServers(args[0]).groupId("kills." + args[1])
                        .commitRecords(Long.parseLong(args[4])).commitInterval(Duration.parse(args[5]))
                        .ordering(args.length > 6 ? Ordering.valueOf(args[6]) : null)
                        .maxInFlight(args.length > 7 ? Integer.valueOf(args[7]) : null)
                        // a killed member holds its partitions until its session expires: keep that short
                        .properties(Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000")).build())
                .output(StreamingOutputConfig.builder(args[2]).bootstrapServers(args[0]).build())
                .build();
        TaskRunner.builder(spec).pipelineName("kills").task(new Tagging(args[3])).handleSignals(Duration.ofSeconds(20))
                .build().run();
    }

    /** Copies each record, tagged with the run that wrote it. */
    public static final class Tagging extends Bolt {
        private final byte[] generation;

        /** For the runtime. */
        public Tagging() {
            this("?");
        }

        Tagging(String generation) {
            this.generation = generation.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        protected void process(Record in, Emitter out) {
            out.emit(in.withHeader("generation", generation));
        }
    }
}
