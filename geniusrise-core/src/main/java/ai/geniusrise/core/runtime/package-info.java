/**
 * <b>For whoever runs tasks</b> (an image's {@code main}, the command, tests):
 * {@link ai.geniusrise.core.runtime.TaskRunner} runs one task and reports a
 * {@link ai.geniusrise.core.runtime.RunSummary} and {@link ai.geniusrise.core.runtime.TaskProgress};
 * {@link ai.geniusrise.core.runtime.Shard} says which part of a batch input a pod reads. The engine
 * (batch and streaming runs, emitters, metrics, dead letters, the health server) is
 * package-private. {@link ai.geniusrise.core.runtime.Failures}, the error policy, is public only so
 * that the test kit applies the policy with the runtime's code; task authors have no need of it.
 */
package ai.geniusrise.core.runtime;
