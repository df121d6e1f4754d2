/**
 * State managers on Redis ({@link ai.geniusrise.state.redis.RedisStateManager}), PostgreSQL
 * ({@link ai.geniusrise.state.postgres.PostgresStateManager}) and DynamoDB
 * ({@link ai.geniusrise.state.dynamodb.DynamoDBStateManager}), found by
 * {@link ai.geniusrise.core.state.StateManager#open(ai.geniusrise.core.config.StateConfig)} through
 * {@link java.util.ServiceLoader} under the types {@code redis}, {@code postgres} and
 * {@code dynamodb}. Each declares its settings
 * ({@link ai.geniusrise.core.state.StateManagerProvider#settings()}); this package holds what they
 * share: the retry settings and retrying transient failures ({@link ai.geniusrise.state.RetryPolicy}).
 */
package ai.geniusrise.state;
