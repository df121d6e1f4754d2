/**
 * What users and Geniusrise's own tests need to test tasks and backends without servers.
 *
 * <ul>
 *   <li>{@link ai.geniusrise.testkit.TaskHarness} drives one bolt or spout in memory, with the
 *   error policy, state, metrics and clock the runtime would give it.</li>
 *   <li>{@link ai.geniusrise.testkit.ManualClock} is a clock a test advances.</li>
 *   <li>{@link ai.geniusrise.testkit.StateManagerContract} is the JUnit 5 suite every
 *   {@link ai.geniusrise.core.state.StateManager} implementation passes.</li>
 *   <li>Real servers for tests, one package each: {@code kafka.EmbeddedKafka},
 *   {@code redis.EmbeddedRedis}, {@code postgres.EmbeddedPostgres} and
 *   {@code dynamodb.EmbeddedDynamoDB}, with the JUnit 5 extensions {@code RedisExtension},
 *   {@code PostgresExtension} and {@code DynamoDBExtension}; {@link ai.geniusrise.testkit.ServerSource}
 *   decides between an existing server, a Testcontainers container and the embedded one.</li>
 * </ul>
 */
package ai.geniusrise.testkit;
