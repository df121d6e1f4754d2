package ai.geniusrise.testkit;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskHarnessSetupTest {

    /** A bolt named like an acronym-heavy class. */
    public static class HTTPFetchBolt extends UppercaseBolt {
    }

    /** A bolt the runtime could not create. */
    public static class NoDefaultConstructorBolt extends UppercaseBolt {
        public NoDefaultConstructorBolt(String unused) {
        }
    }

    @Test
    void theContextCarriesPipelineTaskNameArgsAndLogger() {
        try (TaskHarness<WordCountBolt> h = TaskHarness.of(new WordCountBolt()).args(Map.of("minLength", 3))
                .arg("mode", "fast").open()) {
            assertThat(h.context().pipelineName()).isEqualTo("test");
            assertThat(h.context().taskName()).isEqualTo("word-count-bolt").isEqualTo(h.taskName());
            assertThat(h.context().args().asMap()).containsExactly(Map.entry("minLength", 3), Map.entry("mode", "fast"));
            assertThat(h.context().logger().getName()).isEqualTo(WordCountBolt.class.getName());
            assertThat(h.context().stopRequested()).isFalse();
        }
    }

    @Test
    void theDefaultTaskNameIsTheClassNameInKebabCase() {
        assertThat(TaskHarness.kebabCase(WordCountBolt.class)).isEqualTo("word-count-bolt");
        assertThat(TaskHarness.kebabCase(HTTPFetchBolt.class)).isEqualTo("http-fetch-bolt");
        assertThat(TaskHarness.kebabCase(UppercaseBolt.class)).isEqualTo("uppercase-bolt");
        Bolt anonymous = new Bolt() {
            @Override
            protected void process(Record in, Emitter out) {
            }
        };
        assertThat(TaskHarness.kebabCase(anonymous.getClass())).isEqualTo("task-harness-setup-test-1");
    }

    @Test
    void aGivenTaskNameNamesTheStateNamespaceAndMetricTags() {
        try (TaskHarness<WordCountBolt> h = TaskHarness.of(new WordCountBolt()).taskName("counter").open()) {
            h.send("a").flush();
            assertThat(h.taskName()).isEqualTo("counter");
            assertThat(h.metrics().get("words").tag("task", "counter").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void theDefaultConfigsAreBatchFilesUnderHarness() {
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).open()) {
            assertThat(h.context().input()).isInstanceOfSatisfying(BatchInputConfig.class, in -> {
                assertThat(in.source()).isEqualTo("file:///harness/input");
                assertThat(in.parallelism()).isEqualTo(1);
            });
            assertThat(h.context().output()).isInstanceOfSatisfying(BatchOutputConfig.class,
                    out -> assertThat(out.destination()).isEqualTo("file:///harness/output"));
        }
    }

    @Test
    void givenConfigsReplaceTheDefaults() {
        StreamingInputConfig in = StreamingInputConfig.builder("clicks").build();
        StreamingOutputConfig out = StreamingOutputConfig.builder("clean-clicks").build();
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(new UppercaseBolt()).input(in).output(out).open()) {
            assertThat(h.context().input()).isSameAs(in);
            assertThat(h.context().output()).isSameAs(out);
        }
    }

    @Test
    void ofClassCreatesTheTaskThroughItsPublicNoArgumentConstructor() {
        try (TaskHarness<UppercaseBolt> h = TaskHarness.of(UppercaseBolt.class).open()) {
            h.send("x");
            assertThat(h.task()).isInstanceOf(UppercaseBolt.class);
            assertThat(h.emittedValues()).containsExactly("X");
        }
    }

    @Test
    void ofClassReportsATaskTheRuntimeCouldNotCreate() {
        assertThatThrownBy(() -> TaskHarness.of(NoDefaultConstructorBolt.class)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no public no-argument constructor");
    }

    @Test
    void aSettingGivenTwiceIsRejectedNamingTheEarlierValue() {
        TaskHarness.Builder<UppercaseBolt> b = TaskHarness.of(new UppercaseBolt()).errors(ErrorPolicy.SKIP);
        assertThatThrownBy(() -> b.errors(ErrorPolicy.FAIL)).isInstanceOf(IllegalStateException.class)
                .hasMessage("error policy was already set to SKIP");
        b.taskName("x");
        assertThatThrownBy(() -> b.taskName("y")).hasMessage("task name was already set to x");
        b.arg("a", 1);
        assertThatThrownBy(() -> b.args(Map.of("a", 2))).hasMessage("argument 'a' was already set to 1");
    }

    @Test
    void badSettingValuesAreRejected() {
        TaskHarness.Builder<UppercaseBolt> b = TaskHarness.of(new UppercaseBolt());
        assertThatThrownBy(() -> b.taskName(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.stopTimeout(java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBuilderOpensOneHarnessOnly() {
        TaskHarness.Builder<UppercaseBolt> b = TaskHarness.of(new UppercaseBolt());
        try (TaskHarness<UppercaseBolt> opened = b.open()) {
            assertThat(opened.taskName()).isEqualTo("uppercase-bolt");
            assertThatThrownBy(b::open).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already opened a harness");
        }
    }
}
