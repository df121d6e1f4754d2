/**
 * A real Redis server for tests and local runs: {@link ai.geniusrise.testkit.redis.EmbeddedRedis}
 * (the redis-server of the embedded-redis artifact, data kept across stop and start) and
 * {@link ai.geniusrise.testkit.redis.RedisExtension}, which gives a JUnit 5 test class an existing
 * server ({@code GENIUSRISE_TEST_REDIS_URL}), a container, or an embedded one.
 */
package ai.geniusrise.testkit.redis;
