package ai.geniusrise.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskHandleTest {

    public static final class Echo extends Bolt {
        @Override
        protected void process(Record in, Emitter out) {
            out.emit(in);
        }
    }

    public abstract static class Unfinished extends Bolt {
    }

    public static final class NeedsArgument extends Bolt {
        public NeedsArgument(String x) {
        }

        @Override
        protected void process(Record in, Emitter out) {
        }
    }

    public static final class NotATask {
    }

    private static TaskHandle instantiate(String className) {
        return TaskHandle.instantiate(className, TaskHandleTest.class.getClassLoader(), "tasks[0].class");
    }

    @Test
    void aConcreteBoltIsInstantiated() {
        TaskHandle handle = instantiate(Echo.class.getName());
        assertThat(handle.task()).isInstanceOf(Echo.class);
        assertThat(handle.isSpout()).isFalse();
    }

    @Test
    void eachUnusableClassGetsItsOwnExplanation() {
        assertThatThrownBy(() -> instantiate("com.example.Nope")).isInstanceOf(ConfigException.class)
                .hasMessage("tasks[0].class: class com.example.Nope was not found on the classpath; check the name, "
                        + "or add the jar that holds it (geniusrise run --classpath ...)");
        assertThatThrownBy(() -> instantiate(NotATask.class.getName())).hasMessageContaining("is not a task");
        assertThatThrownBy(() -> instantiate(Unfinished.class.getName())).hasMessageContaining("is abstract");
        assertThatThrownBy(() -> instantiate(NeedsArgument.class.getName()))
                .hasMessageContaining("has no public no-argument constructor");
    }

    @Test
    void theContextIsUnavailableBeforeTheRuntimeOpensTheTask() {
        Echo echo = new Echo();
        assertThatThrownBy(echo::context).isInstanceOf(IllegalStateException.class).hasMessageContaining("not been opened");
    }
}
