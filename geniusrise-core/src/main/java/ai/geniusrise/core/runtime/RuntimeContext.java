package ai.geniusrise.core.runtime;

import ai.geniusrise.core.TaskArgs;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.state.StateManager;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.function.BooleanSupplier;

/** The {@link TaskContext} the runtime gives a task. */
final class RuntimeContext implements TaskContext {

    private final String pipeline;
    private final TaskSpec spec;
    private final StateManager state;
    private final MeterRegistry metrics;
    private final Logger logger;
    private final BooleanSupplier stopRequested;

    RuntimeContext(String pipeline, TaskSpec spec, StateManager state, MeterRegistry metrics,
                   BooleanSupplier stopRequested) {
        this.pipeline = pipeline;
        this.spec = spec;
        this.state = state;
        this.metrics = metrics;
        this.logger = LoggerFactory.getLogger("geniusrise.task." + spec.name());
        this.stopRequested = stopRequested;
    }

    @Override
    public String pipelineName() {
        return pipeline;
    }

    @Override
    public String taskName() {
        return spec.name();
    }

    @Override
    public TaskArgs args() {
        return spec.args();
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
        return Clock.systemUTC();
    }

    @Override
    public InputConfig input() {
        return spec.input();
    }

    @Override
    public OutputConfig output() {
        return spec.output();
    }

    TaskSpec spec() {
        return spec;
    }

    @Override
    public boolean stopRequested() {
        return stopRequested.getAsBoolean();
    }
}
