package ai.geniusrise.testkit;

import ai.geniusrise.core.TaskArgs;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.state.StateManager;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/** The context a {@link TaskHarness} gives its task; every value is fixed when the harness opens. */
final class HarnessContext implements TaskContext {

    private final String pipelineName;
    private final String taskName;
    private final TaskArgs args;
    private final StateManager state;
    private final MeterRegistry metrics;
    private final Logger logger;
    private final Clock clock;
    private final InputConfig input;
    private final OutputConfig output;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    HarnessContext(String pipelineName, String taskName, TaskArgs args, StateManager state, MeterRegistry metrics,
                   Logger logger, Clock clock, InputConfig input, OutputConfig output) {
        this.pipelineName = pipelineName;
        this.taskName = taskName;
        this.args = args;
        this.state = state;
        this.metrics = metrics;
        this.logger = logger;
        this.clock = clock;
        this.input = input;
        this.output = output;
    }

    @Override
    public String pipelineName() {
        return pipelineName;
    }

    @Override
    public String taskName() {
        return taskName;
    }

    @Override
    public TaskArgs args() {
        return args;
    }

    @Override
    public StateManager state() {
        return state;
    }

    @Override
    public MeterRegistry metrics() {
        return metrics;
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public InputConfig input() {
        return input;
    }

    @Override
    public OutputConfig output() {
        return output;
    }

    @Override
    public boolean stopRequested() {
        return stopRequested.get();
    }

    void requestStop(boolean value) {
        stopRequested.set(value);
    }

    @Override
    public String toString() {
        return "TaskContext[" + pipelineName + "/" + taskName + "]";
    }
}
