package ai.geniusrise.testkit.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedRedisTest {

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Test
    void theExtensionGivesAServerThatAnswersARealClient() {
        try (RedisClient client = RedisClient.create(REDIS.host(), REDIS.port())) {
            client.set("embedded-redis-test", "hello");
            assertThat(client.get("embedded-redis-test")).isEqualTo("hello");
        }
    }

    @Test
    void acknowledgedWritesSurviveAStopAndStartOnTheSamePort() {
        Path dataDir;
        try (EmbeddedRedis redis = EmbeddedRedis.builder().build().start()) {
            dataDir = redis.dataDir();
            try (RedisClient client = RedisClient.create("127.0.0.1", redis.port())) {
                client.set("k", "v");
            }
            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            try (RedisClient client = RedisClient.create("127.0.0.1", redis.port())) {
                assertThatThrownBy(() -> client.get("k")).isInstanceOf(JedisConnectionException.class);
            }
            redis.start();
            try (RedisClient client = RedisClient.create("127.0.0.1", redis.port())) {
                assertThat(client.get("k")).isEqualTo("v");
            }
        }
        assertThat(dataDir).as("a temporary data folder is deleted on close").doesNotExist();
    }

    @Test
    void settingsReachTheServer() {
        try (EmbeddedRedis redis = EmbeddedRedis.builder().setting("requirepass s3cret").build().start();
             RedisClient anonymous = RedisClient.create("127.0.0.1", redis.port());
             RedisClient client = RedisClient.builder().fromURI("redis://:s3cret@127.0.0.1:" + redis.port()).build()) {
            assertThatThrownBy(() -> anonymous.get("k")).hasMessageContaining("NOAUTH");
            assertThat(client.get("k")).isNull();
        }
    }
}
