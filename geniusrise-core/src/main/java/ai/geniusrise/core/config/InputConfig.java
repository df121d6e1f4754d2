package ai.geniusrise.core.config;

import java.util.Map;

/**
 * Where a task reads: the general input configuration that both {@link BatchInputConfig} and
 * {@link StreamingInputConfig} are. In a pipeline file it is the task's {@code inputConfig} and
 * its {@code type} ({@code batch} or {@code streaming}) chooses the family.
 */
public sealed interface InputConfig permits BatchInputConfig, StreamingInputConfig {

    /**
     * What to read: a location ({@code s3://bucket/prefix}, {@code file:///dir}, a path) for
     * batch; a topic name for streaming; for spouts, the external source's URL.
     */
    String source();

    /** Adapter-specific settings passed through unchanged (endpoints, client properties). */
    Map<String, String> options();

    /** {@code batch} or {@code streaming}. */
    String type();
}
