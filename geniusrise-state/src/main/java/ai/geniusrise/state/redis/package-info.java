/** The {@code redis} state manager: {@link ai.geniusrise.state.redis.RedisStateManager}. */
package ai.geniusrise.state.redis;
