package ai.geniusrise.core;

import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.state.StateManager;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;

import java.time.Clock;

/**
 * What the runtime gives a task: its identity, arguments, state, metrics, logger, clock and
 * configs. Every method may be called from any thread.
 */
public interface TaskContext {

    /** The pipeline's name ({@code name:} in the pipeline file), or {@code "default"}. */
    String pipelineName();

    /** The task's name, unique within its pipeline. */
    String taskName();

    /** The task's {@code args:} from the pipeline file. */
    TaskArgs args();

    /**
     * The task's state: keys are private to this pipeline and task, and outlive the process when
     * the configured state manager is durable (Redis, Postgres, DynamoDB).
     */
    StateManager state();

    /** A meter registry whose meters carry {@code pipeline} and {@code task} tags, exported on {@code /metrics}. */
    MeterRegistry metrics();

    /** A logger named after the task. */
    Logger logger();

    /** The clock the task should use for time; a test harness can advance it. */
    Clock clock();

    /** The task's input configuration. */
    InputConfig input();

    /** The task's output configuration. */
    OutputConfig output();

    /**
     * True once the task should stop: SIGTERM in a container, the end of a local run, or a
     * failure elsewhere in the task. Streaming spouts poll it and return from
     * {@link Spout#produce(Emitter)}.
     */
    boolean stopRequested();
}
