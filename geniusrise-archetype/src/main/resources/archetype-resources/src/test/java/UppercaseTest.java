package ${package};

import ai.geniusrise.testkit.TaskHarness;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UppercaseTest {

    @Test
    void upperCasesEachRecord() {
        try (TaskHarness<Uppercase> h = TaskHarness.of(new Uppercase()).open()) {
            h.send("hello", "world");
            assertThat(h.emittedValues()).containsExactly("HELLO", "WORLD");
        }
    }
}
