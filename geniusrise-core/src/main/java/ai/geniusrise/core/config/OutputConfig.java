package ai.geniusrise.core.config;

import java.util.Map;

/**
 * Where a task writes: the general output configuration that both {@link BatchOutputConfig}
 * and {@link StreamingOutputConfig} are. In a pipeline file it is the task's
 * {@code outputConfig} and its {@code type} chooses the family.
 */
public sealed interface OutputConfig permits BatchOutputConfig, StreamingOutputConfig {

    /** Where to write: a location for batch, a topic name for streaming. */
    String destination();

    /** Adapter-specific settings passed through unchanged (endpoints, client properties). */
    Map<String, String> options();

    /** {@code batch} or {@code streaming}. */
    String type();
}
