/**
 * What users and Geniusrise's own tests need to test tasks and backends without servers.
 *
 * <ul>
 *   <li>{@link ai.geniusrise.testkit.TaskHarness} drives one bolt or spout in memory, with the
 *   error policy, state, metrics and clock the runtime would give it.</li>
 *   <li>{@link ai.geniusrise.testkit.ManualClock} is a clock a test advances.</li>
 *   <li>{@link ai.geniusrise.testkit.StateManagerContract} is the JUnit 5 suite every
 *   {@link ai.geniusrise.core.state.StateManager} implementation passes.</li>
 * </ul>
 */
package ai.geniusrise.testkit;
