/**
 * Batch storage on the local file system ({@code file} locations):
 * {@link ai.geniusrise.io.file.FileBatchStorage}, found by {@link java.util.ServiceLoader}.
 * Its javadoc states the commit protocol that makes a run's output visible atomically.
 * {@link ai.geniusrise.io.file.FileSourceSpout} is the built-in batch spout that copies local
 * files into a pipeline (a batch spout reading {@code file:///...} or a path, without
 * {@code class:}).
 */
package ai.geniusrise.io.file;
