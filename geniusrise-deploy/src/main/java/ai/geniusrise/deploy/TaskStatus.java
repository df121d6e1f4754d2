package ai.geniusrise.deploy;

/**
 * A task's state on the platform.
 *
 * @param task    the task's name in the pipeline
 * @param kind    what runs it: {@code Deployment}, {@code CronJob}, {@code Job}, {@code Service}, {@code Schedule}, ...
 * @param name    the object's name on the platform
 * @param found   whether the object exists
 * @param summary what a person wants to know: {@code 2/3 ready}, {@code last run ..., next run ...},
 *                {@code succeeded}, or {@code not deployed}
 */
public record TaskStatus(String task, String kind, String name, boolean found, String summary) {

    @Override
    public String toString() {
        return task + "  " + kind + " " + name + "  " + summary;
    }
}
