/**
 * <b>For task authors</b> ({@link ai.geniusrise.core.state.StateManager}, the key-value store with
 * versions a task gets from its context) <b>and state-backend authors</b>
 * ({@link ai.geniusrise.core.state.StateManagerProvider}, found with
 * {@link java.util.ServiceLoader} by a {@code stateConfig}'s {@code type}). The memory and file
 * backends live here; Redis, PostgreSQL and DynamoDB in {@code geniusrise-state}.
 */
package ai.geniusrise.core.state;
