/**
 * <b>For task authors and tools</b>: a pipeline file loaded and checked
 * ({@link ai.geniusrise.core.pipeline.Pipeline#load}), and the spec of one task
 * ({@link ai.geniusrise.core.pipeline.TaskSpec}), whether parsed or built in code. Every rule
 * that ties a task's fields together has its home on {@code TaskSpec} (is it streaming? may it
 * have a schedule, replicas, exactly-once?), and the one cron grammar is
 * {@link ai.geniusrise.core.pipeline.CronSchedule}. The parser itself and its node tree are
 * package-private.
 */
package ai.geniusrise.core.pipeline;
