package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Task;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A task run by {@link TaskRunner} on a thread of its own, stopped like SIGTERM would. */
final class RunningTask implements AutoCloseable {

    final TaskRunner runner;
    final CompletableFuture<RunSummary> result = new CompletableFuture<>();
    private final Thread thread;

    private RunningTask(TaskRunner runner, String name) {
        this.runner = runner;
        this.thread = new Thread(() -> {
            try {
                result.complete(runner.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "task-" + name);
        thread.start();
    }

    static RunningTask start(TaskSpec spec, Task task) {
        return new RunningTask(TaskRunner.builder(spec).pipelineName("test").task(task).build(), spec.name());
    }

    /** Runs {@code runner}, built by the caller (to serve metrics, say). */
    static RunningTask start(TaskRunner runner, String name) {
        return new RunningTask(runner, name);
    }

    /** Asks the task to stop and waits for its summary. */
    RunSummary stop(Duration timeout) throws Exception {
        runner.requestStop();
        return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        runner.requestStop();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the task to stop", e);
        }
    }
}
