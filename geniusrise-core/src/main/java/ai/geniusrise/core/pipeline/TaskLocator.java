package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;

import java.util.function.UnaryOperator;

/**
 * Places a {@link ConfigException} whose path is relative to one task (such as
 * {@code config.inputConfig.source} or {@code args.threshold}) at the node of that path in the
 * pipeline file the task came from, falling back to the nearest enclosing node (the task's own
 * mapping at worst). Exceptions already located in a file are returned unchanged.
 */
final class TaskLocator implements UnaryOperator<ConfigException> {

    private final PipelineNode task;

    TaskLocator(PipelineNode task) {
        this.task = task;
    }

    @Override
    public ConfigException apply(ConfigException e) {
        if (e.file() != null) {
            return e;
        }
        return task.relocate(e);
    }
}
