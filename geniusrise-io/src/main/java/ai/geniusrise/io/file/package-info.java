/**
 * Batch storage on the local file system ({@code file} locations):
 * {@link ai.geniusrise.io.file.FileBatchStorage}, found by {@link java.util.ServiceLoader}.
 * Its javadoc states the commit protocol that makes a run's output visible atomically.
 */
package ai.geniusrise.io.file;
