/**
 * <b>For task authors</b> (and the pipeline parser): the typed, immutable configs of where a task
 * reads and writes — {@link ai.geniusrise.core.config.BatchInputConfig} and
 * {@link ai.geniusrise.core.config.StreamingInputConfig},
 * {@link ai.geniusrise.core.config.BatchOutputConfig} and
 * {@link ai.geniusrise.core.config.StreamingOutputConfig} — and its state backend
 * ({@link ai.geniusrise.core.config.StateConfig}). Each validates itself when built and names the
 * field at fault. A pipeline file's {@code inputConfig}, {@code outputConfig} and
 * {@code stateConfig} become these values.
 */
package ai.geniusrise.core.config;
