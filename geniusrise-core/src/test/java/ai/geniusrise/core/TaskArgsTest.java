package ai.geniusrise.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskArgsTest {

    record Settings(double threshold, String mode) {
    }

    @Test
    void typedGettersConvertAndFallBack() {
        TaskArgs args = TaskArgs.of(Map.of("n", 3, "s", "7", "d", 0.5, "b", "true"));

        assertThat(args.integer("n", 0)).isEqualTo(3);
        assertThat(args.integer("s", 0)).isEqualTo(7);
        assertThat(args.decimal("d", 0)).isEqualTo(0.5);
        assertThat(args.bool("b", false)).isTrue();
        assertThat(args.integer("absent", 11)).isEqualTo(11);
        assertThat(args.string("absent", "x")).isEqualTo("x");
    }

    @Test
    void aWrongTypeOrAMissingArgumentNamesTheArgument() {
        TaskArgs args = TaskArgs.of(Map.of("threshold", "high"));

        assertThatThrownBy(() -> args.decimal("threshold", 0)).isInstanceOf(ConfigException.class)
                .hasMessage("args.threshold: expected a number, got 'high'");
        assertThatThrownBy(() -> args.string("model")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("args.model: is required");
        assertThatThrownBy(() -> args.integer("threshold", 0)).hasMessageContaining("expected a whole number");
    }

    @Test
    void argumentsBindToARecord() {
        assertThat(TaskArgs.of(Map.of("threshold", 0.8, "mode", "fast")).as(Settings.class))
                .isEqualTo(new Settings(0.8, "fast"));
        assertThatThrownBy(() -> TaskArgs.of(Map.of("thresold", 0.8)).as(Settings.class))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("args: do not bind to Settings");
    }
}
