/**
 * <b>For task authors.</b> What a user's code is written against: extend {@link ai.geniusrise.core.Spout}
 * or {@link ai.geniusrise.core.Bolt}, read and emit {@link ai.geniusrise.core.Record}s through an
 * {@link ai.geniusrise.core.Emitter}, get arguments, state, metrics and a clock from the
 * {@link ai.geniusrise.core.TaskContext}, and start an image's task with
 * {@link ai.geniusrise.core.Geniusrise#run}.
 *
 * <p>One type here is not for task authors: {@link ai.geniusrise.core.TaskHandle}, the door
 * through which the runtime and the test kit call a task's protected methods. It lives in this
 * package because those methods are protected and {@code Task.attach} package-private, and it
 * is public because the runtime and the test kit are in other packages; user code has no need
 * of it (see {@code docs/design.md}, "Core's public surface").
 */
package ai.geniusrise.core;
