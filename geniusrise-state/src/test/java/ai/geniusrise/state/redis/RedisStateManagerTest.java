package ai.geniusrise.state.redis;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateException;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.testkit.redis.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Redis specifics: how entries are laid out, passwords, databases, and configuration mistakes. */
class RedisStateManagerTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.embedded("requirepass s3cret");

    private static final Map<String, String> ENV = Map.of("REDIS_PASSWORD", "s3cret", "WRONG_PASSWORD", "nope");

    private static RedisStateManager open(Map<String, String> properties) {
        return RedisStateManager.open(new StateConfig("redis", properties), ENV::get);
    }

    private static Map<String, String> with(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("url", REDIS.url());
        m.put("passwordEnv", "REDIS_PASSWORD");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void authenticatesWithThePasswordFromTheNamedEnvironmentVariable() {
        try (RedisStateManager state = open(with())) {
            state.putString("auth", "ok");
            assertThat(state.getString("auth")).contains("ok");
        }
    }

    @Test
    void aWrongPasswordFailsAtOnceNamingTheStore() {
        try (RedisStateManager state = open(with("passwordEnv", "WRONG_PASSWORD", "maxAttempts", "5",
                "initialBackoff", "1s", "maxBackoff", "1s"))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> state.get("k")).isInstanceOf(StateException.class)
                    .hasMessageContaining("redis://127.0.0.1:" + REDIS.port() + "/0").hasMessageContaining("get 'k'");
            assertThat(System.nanoTime() - start).as("not retried").isLessThan(900_000_000L);
        }
    }

    @Test
    void storesEachEntryAsAHashUnderTheKeyPrefixInTheChosenDatabase() {
        try (RedisStateManager state = open(with("url", "redis://127.0.0.1:" + REDIS.port(), "keyPrefix", "app:",
                "database", "2"));
             RedisClient raw = RedisClient.builder().fromURI("redis://:s3cret@127.0.0.1:" + REDIS.port() + "/2")
                     .build()) {
            long version = state.putString("entry", "value");
            assertThat(raw.hget("app:entry", "v")).isEqualTo("value");
            assertThat(raw.hget("app:entry", "n")).isEqualTo(Long.toString(version));
            assertThat(raw.ttl("app:entry")).as("no expiry").isEqualTo(-1);
            state.put("expiring", "v".getBytes(StandardCharsets.UTF_8), java.time.Duration.ofMinutes(5));
            assertThat(raw.pttl("app:expiring")).isBetween(1L, 300_000L);
        }
    }

    @Test
    void databaseInTheUrlSelectsTheDatabase() {
        try (RedisStateManager db5 = open(with("url", "redis://127.0.0.1:" + REDIS.port() + "/5"));
             RedisStateManager db0 = open(with())) {
            db5.putString("only-in-5", "x");
            assertThat(db0.get("only-in-5")).isEmpty();
            assertThat(db5.store()).endsWith("/5");
        }
    }

    @Test
    void redissUrlsNameATlsStore() {
        try (RedisStateManager state = open(Map.of("url", "rediss://cache.example:6380/4", "user", "app",
                "passwordEnv", "REDIS_PASSWORD"))) {
            assertThat(state.store()).isEqualTo("rediss://cache.example:6380/4");
        }
    }

    @Test
    void escapesEveryGlobCharacterOfAPrefix() {
        assertThat(RedisStateManager.escapeGlob("a*b?c[d]e\\f^g-h")).isEqualTo("a\\*b\\?c\\[d\\]e\\\\f^g-h");
    }

    @Test
    void isFoundByTypeThroughServiceLoader() {
        try (StateManager state = StateManager.open(new StateConfig("redis", Map.of("url", REDIS.url())))) {
            assertThat(state).isInstanceOf(RedisStateManager.class);
        }
    }

    @Test
    void rejectsAnUnknownPropertyNamingIt() {
        assertThatThrownBy(() -> open(with("hostname", "x"))).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("stateConfig.hostname"))
                .hasMessageContaining("unknown key 'hostname' in a redis stateConfig").hasMessageContaining("keyPrefix");
    }

    @Test
    void rejectsAnInlinePasswordPointingToPasswordEnv() {
        assertThatThrownBy(() -> open(with("password", "s3cret"))).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("stateConfig.password"))
                .hasMessageContaining("passwordEnv");
        assertThatThrownBy(() -> open(with("url", "redis://user:s3cret@127.0.0.1:6379")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("stateConfig.url"))
                .hasMessageContaining("passwordEnv");
    }

    @Test
    void rejectsAPasswordEnvironmentVariableThatIsNotSet() {
        assertThatThrownBy(() -> open(with("passwordEnv", "NOT_SET_ANYWHERE"))).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("stateConfig.passwordEnv"))
                .hasMessageContaining("NOT_SET_ANYWHERE is not set");
    }

    @Test
    void rejectsMalformedUrlsDatabasesAndDurations() {
        assertThatThrownBy(() -> open(with("url", "http://127.0.0.1:6379"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stateConfig.url").hasMessageContaining("redis://");
        assertThatThrownBy(() -> open(with("url", "redis://127.0.0.1:6379/zero")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("database number");
        assertThatThrownBy(() -> open(with("database", "-1"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stateConfig.database");
        assertThatThrownBy(() -> open(with("url", "redis://127.0.0.1:6379/1", "database", "2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("already selects database 1");
        assertThatThrownBy(() -> open(with("timeout", "soon"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stateConfig.timeout").hasMessageContaining("500ms");
        assertThatThrownBy(() -> open(with("maxAttempts", "0"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stateConfig.maxAttempts").hasMessageContaining("from 1 to 100");
        assertThatThrownBy(() -> open(with("initialBackoff", "2s", "maxBackoff", "1s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stateConfig.maxBackoff");
    }
}
