/**
 * State managers on Redis ({@link ai.geniusrise.state.redis.RedisStateManager}), PostgreSQL
 * ({@link ai.geniusrise.state.postgres.PostgresStateManager}) and DynamoDB
 * ({@link ai.geniusrise.state.dynamodb.DynamoDBStateManager}), found by
 * {@link ai.geniusrise.core.state.StateManager#open(ai.geniusrise.core.config.StateConfig)} through
 * {@link java.util.ServiceLoader} under the types {@code redis}, {@code postgres} and
 * {@code dynamodb}. This package holds what they share: reading and checking their properties
 * ({@link ai.geniusrise.state.StoreProperties}) and retrying transient failures
 * ({@link ai.geniusrise.state.RetryPolicy}).
 */
package ai.geniusrise.state;
