package ai.geniusrise.core.spi;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.Spout;
import ai.geniusrise.core.Task;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.TaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the runtime picks the class of a task that names none, through a provider listed for this test. */
@Timeout(30)
class BuiltInTasksTest {

    /** Serves batch spouts reading {@code test://...} with {@link OneRecordSpout}, and names a missing class. */
    public static final class TestBuiltIns implements BuiltInTasks {
        @Override
        public String classFor(TaskSpec.Kind kind, InputConfig input) {
            if (kind != TaskSpec.Kind.SPOUT) {
                return null;
            }
            if (input.source().startsWith("test://")) {
                return OneRecordSpout.class.getName();
            }
            return input.source().startsWith("missing://") ? "com.example.NoSuchSpout" : null;
        }

        @Override
        public List<String> served() {
            return List.of("batch spout from test://anything (test)");
        }
    }

    /** Emits one record naming its source. */
    public static final class OneRecordSpout extends Spout {
        @Override
        protected void produce(Emitter out) {
            out.emit(Record.of("from " + context().input().source()));
        }
    }

    @TempDir
    Path dir;

    private TaskSpec.Builder spout(String source) {
        return TaskSpec.builder("builtin", TaskSpec.Kind.SPOUT)
                .input(BatchInputConfig.builder(source).build())
                .output(BatchOutputConfig.builder(dir.resolve("out").toString()).build());
    }

    @Test
    void aSpoutWithoutClassGetsTheClassAProviderNamesForItsSource() {
        assertThat(BuiltInTasks.resolve(TaskSpec.Kind.SPOUT, BatchInputConfig.builder("test://x").build()))
                .isEqualTo(OneRecordSpout.class.getName());
        assertThat(BuiltInTasks.instantiate(spout("test://anything").build(), getClass().getClassLoader()).task())
                .isInstanceOf(OneRecordSpout.class);
    }

    @Test
    void aSourceNoProviderServesIsAConfigErrorAtTheSourceListingWhatIsBuiltIn() {
        assertThatThrownBy(() -> TaskRunner.builder(spout("ftp://host/file").build()).build().run())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("task 'builtin' config.inputConfig.source")
                .hasMessageContaining("no built-in spout serves a batch input from 'ftp://host/file'")
                .hasMessageContaining("batch spout from test://anything (test)");
    }

    @Test
    void aBuiltInWhoseClassIsMissingSaysWhichClassAndWhy() {
        TaskSpec spec = TaskSpec.builder("bridge", TaskSpec.Kind.SPOUT)
                .input(StreamingInputConfig.builder("missing://x").build())
                .output(StreamingOutputConfig.builder("out").bootstrapServers("localhost:1").build())
                .build();

        assertThatThrownBy(() -> TaskRunner.builder(spec).build().run())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.inputConfig.source")
                .hasMessageContaining("the built-in spout for a streaming input from 'missing://x' is "
                        + "com.example.NoSuchSpout, which cannot be used: class com.example.NoSuchSpout was not found");
    }

    @Test
    void aBoltWithoutClassCopiesItsRecordsUnchanged() {
        TaskSpec spec = TaskSpec.builder("copy", TaskSpec.Kind.BOLT)
                .input(StreamingInputConfig.builder("in").build())
                .output(StreamingOutputConfig.builder("out").build())
                .build();
        assertThat(spec.copiesRecords()).isTrue();
        assertThat(TaskSpec.builder("own", TaskSpec.Kind.BOLT).className("com.acme.Own").input(spec.input())
                .output(spec.output()).build().copiesRecords()).isFalse();

        Record in = Record.of("k", "v");
        List<Record> emitted = new ArrayList<>();
        Task bolt = BuiltInTasks.instantiate(spec, getClass().getClassLoader()).task();
        assertThat(bolt).isInstanceOf(PassThroughBolt.class);
        ((PassThroughBolt) bolt).process(in, new Emitter() {
            @Override
            public void emit(Record record) {
                emitted.add(record);
            }

            @Override
            public void deadLetter(Record record, String reason) {
                throw new AssertionError(reason);
            }
        });
        assertThat(emitted).containsExactly(in);
    }
}
