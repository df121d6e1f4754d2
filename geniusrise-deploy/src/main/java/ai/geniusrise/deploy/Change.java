package ai.geniusrise.deploy;

/**
 * One change a task manager made (or, in a dry run, would make) on the platform.
 *
 * @param action what was done
 * @param kind   the kind of object: {@code Deployment}, {@code CronJob}, {@code TaskDefinition}, ...
 * @param name   the object's name, with its namespace or cluster when it has one ({@code pipelines/clicks-cleaner})
 */
public record Change(Action action, String kind, String name) {

    /** What happened to an object. */
    public enum Action {
        /** Created or updated to match the pipeline. */
        APPLIED,
        /** Would be created or updated (dry run). */
        WOULD_APPLY,
        /** Removed because the pipeline no longer has it. */
        PRUNED,
        /** Would be removed because the pipeline no longer has it (dry run). */
        WOULD_PRUNE,
        /** Removed by {@link TaskManager#delete}. */
        DELETED,
        /** Started once (a one-shot batch task on ECS). */
        STARTED
    }

    @Override
    public String toString() {
        return action.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + kind + " " + name;
    }
}
