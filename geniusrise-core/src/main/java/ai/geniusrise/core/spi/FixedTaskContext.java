package ai.geniusrise.core.spi;

import ai.geniusrise.core.TaskArgs;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.state.StateManager;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;

import java.time.Clock;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A {@link TaskContext} of values fixed when the task opens, with the stop signal read from
 * {@code stopSignal}: what the runtime and the test kit's harness hand to tasks. Thread-safe as
 * long as {@code stopSignal} is. Not for task authors, who get their context from
 * {@code Task.context()}; public because the runtime and the test kit are in other packages.
 *
 * @param stopSignal answers {@link #stopRequested()}
 */
public record FixedTaskContext(String pipelineName, String taskName, TaskArgs args, StateManager state,
                               MeterRegistry metrics, Logger logger, Clock clock, InputConfig input,
                               OutputConfig output, BooleanSupplier stopSignal) implements TaskContext {

    /** Checks that every value is given. */
    public FixedTaskContext {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(logger, "logger");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(stopSignal, "stopSignal");
    }

    @Override
    public boolean stopRequested() {
        return stopSignal.getAsBoolean();
    }

    @Override
    public String toString() {
        return "TaskContext[" + pipelineName + "/" + taskName + "]";
    }
}
