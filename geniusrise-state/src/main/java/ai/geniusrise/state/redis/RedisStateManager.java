package ai.geniusrise.state.redis;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.state.StateException;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.core.state.StateManagerProvider;
import ai.geniusrise.core.state.Versioned;
import ai.geniusrise.state.RetryPolicy;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * State in Redis ({@code stateConfig: {type: redis, url: redis://host:6379/0}}), through a pool
 * of Jedis connections.
 *
 * <p>Each entry is a Redis hash at {@code keyPrefix + key} holding the value ({@code v}), its
 * version ({@code n}) and the id of the write that stored it ({@code w}). Puts and
 * compare-and-set run as Lua scripts, so reading the version and writing the new one is one
 * atomic step on the server; a time-to-live is a {@code PEXPIRE} on the hash, so expired entries
 * vanish exactly as Redis expires keys. {@link #keys(String)} walks the keyspace with
 * {@code SCAN} (cost grows with the whole database, not with the answer) and sorts the result.
 *
 * <p>Promises: thread-safe (the pool hands each call its own connection); a write that returns
 * was acknowledged by the Redis server, and survives a restart of that server as far as its
 * persistence settings go (AOF with {@code appendfsync everysec} may lose the last second);
 * transient failures (connection refused or reset, timeouts, a server still loading its data)
 * are retried with bounded exponential backoff, then reported as {@link StateException} naming
 * the store and the operation. A compare-and-set retried after its reply was lost recognises its
 * own earlier write by its id and reports it done, rather than failing. Limits: a value is at
 * most 512 MB (Redis's string limit); keys are UTF-8.
 */
public final class RedisStateManager implements StateManager {

    public static final Setting<URI> URL = Setting.location("url", Set.of("redis", "rediss"),
            "redis://[user@]host[:port][/database] or rediss://... for TLS",
            "The server, and optionally the user and database; never with a password in it.")
            .withDefault(URI.create("redis://localhost:6379"));
    public static final Setting<String> USER = Setting.string("user", "ACL user name (default: none, or the URL's).");
    public static final Setting<String> PASSWORD_ENV = Setting.secretReference("passwordEnv",
            "Name of the environment variable holding the password (default: no password).");
    public static final Setting<Integer> DATABASE = Setting.integer("database", 0, 1_000_000,
            "Database number (default: the URL's, else 0).");
    public static final Setting<String> KEY_PREFIX = Setting.string("keyPrefix", "Prepended to every key in Redis.")
            .withDefault("").withDefaultDescribed("(empty)");
    public static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "Connect and read timeout.")
            .withDefault(Duration.ofSeconds(2));
    public static final Setting<Integer> POOL_SIZE = Setting.integer("poolSize", 1, 1024, "Most connections open at once.")
            .withDefault(16);

    /** The settings of a {@code stateConfig} of type {@code redis}. */
    public static final SettingsDef SETTINGS = SettingsDef.of("a redis stateConfig", URL, USER, PASSWORD_ENV, DATABASE,
                    KEY_PREFIX, TIMEOUT, POOL_SIZE)
            .plus(RetryPolicy.SETTINGS)
            .refusing("password", "passwords are never given inline: put it in an environment variable and name "
                    + "that variable in 'passwordEnv'")
            .withRule(RedisStateManager::checkUrl);


    private static final String PUT = """
            local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'w', ARGV[3])
            if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('PERSIST', KEYS[1]) end
            return n
            """;

    private static final String CAS = """
            local cur = redis.call('HMGET', KEYS[1], 'n', 'w')
            local n = 0
            if cur[1] then n = tonumber(cur[1]) end
            if cur[2] and cur[2] == ARGV[3] then return n end
            if n ~= tonumber(ARGV[4]) then return -1 end
            n = redis.call('HINCRBY', KEYS[1], 'n', 1)
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'w', ARGV[3])
            if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('PERSIST', KEYS[1]) end
            return n
            """;

    private static final byte[] VALUE = {'v'};
    private static final byte[] VERSION = {'n'};

    private final RedisClient client;
    private final String store;
    private final String keyPrefix;
    private final RetryPolicy retry;
    private final Script put = new Script(PUT);
    private final Script cas = new Script(CAS);

    private RedisStateManager(RedisClient client, String store, String keyPrefix, RetryPolicy retry) {
        this.client = client;
        this.store = store;
        this.keyPrefix = keyPrefix;
        this.retry = retry;
    }

    /**
     * Opens a manager for {@code config} (type {@code redis}); see {@link Provider} for the
     * properties. Connections are made lazily: an unreachable server fails the first operation,
     * not the open.
     *
     * @throws ConfigException if a property is unknown or malformed
     */
    public static RedisStateManager open(StateConfig config) {
        return open(config, System::getenv);
    }

    static RedisStateManager open(StateConfig config, Function<String, String> env) {
        Settings p = SETTINGS.parse(config.properties(), "stateConfig.");
        URI uri = p.get(URL);
        String password = p.secret(PASSWORD_ENV, env);
        boolean ssl = uri.getScheme().equals("rediss");
        String host = uri.getHost();
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        String user = uri.getRawUserInfo() != null ? uri.getUserInfo() : p.get(USER);
        int database = p.isSet(DATABASE) ? p.get(DATABASE) : databaseInUrl(uri);
        Duration timeout = p.get(TIMEOUT);
        int poolSize = p.get(POOL_SIZE);
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());

        DefaultJedisClientConfig.Builder clientConfig = DefaultJedisClientConfig.builder()
                .database(database).ssl(ssl).clientName("geniusrise")
                .connectionTimeoutMillis(timeoutMillis).socketTimeoutMillis(timeoutMillis);
        if (user != null) {
            clientConfig.user(user);
        }
        if (password != null) {
            clientConfig.password(password);
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMaxWait(timeout);
        RedisClient client = RedisClient.builder().hostAndPort(host, port)
                .clientConfig(clientConfig.build()).poolConfig(pool).build();
        String store = uri.getScheme() + "://" + host + ":" + port + "/" + database;
        return new RedisStateManager(client, store, p.get(KEY_PREFIX), RetryPolicy.from(p));
    }

    /** The URL's database number, 0 when it names none; -1 when its path is not a database number. */
    private static int databaseInUrl(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            int n = Integer.parseInt(path.substring(1));
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** What the settings must agree on beyond each value: no password in the URL, one user, one database. */
    private static void checkUrl(Settings p) {
        URI uri = p.get(URL);
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw p.error(URL, "expected redis://[user@]host[:port][/database] or rediss://..., without a query "
                    + "or fragment");
        }
        if (uri.getRawUserInfo() != null) {
            if (uri.getUserInfo().contains(":")) {
                throw p.error(URL, "passwords are never given inline: remove it from the URL, put it in an "
                        + "environment variable and name that variable in 'passwordEnv'");
            }
            if (p.isSet(USER) && !p.get(USER).equals(uri.getUserInfo())) {
                throw p.error(USER, "the URL already names user '" + uri.getUserInfo() + "', got '" + p.get(USER) + "'");
            }
        }
        int fromUrl = databaseInUrl(uri);
        if (fromUrl < 0) {
            throw p.error(URL, "expected a database number after the host, as in redis://host:6379/0, got '"
                    + uri.getPath().substring(1) + "'");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (p.isSet(DATABASE) && path.length() > 1 && fromUrl != p.get(DATABASE)) {
            throw p.error(DATABASE, "the URL already selects database " + fromUrl + ", got " + p.get(DATABASE));
        }
    }

    /** The store this manager writes to, as named in errors: {@code redis://host:port/db}. */
    public String store() {
        return store;
    }

    @Override
    public Optional<Versioned> get(String key) {
        byte[] k = redisKey(key);
        List<byte[]> fields = call("get '" + key + "'", attempt -> client.hmget(k, VALUE, VERSION));
        if (fields.size() < 2 || fields.get(0) == null || fields.get(1) == null) {
            return Optional.empty();
        }
        long version = Long.parseLong(new String(fields.get(1), StandardCharsets.US_ASCII));
        return Optional.of(new Versioned(fields.get(0), version));
    }

    @Override
    public long put(String key, byte[] value, Duration ttl) {
        Objects.requireNonNull(value, "value");
        List<byte[]> args = args(value, ttl, UUID.randomUUID().toString(), null);
        byte[] k = redisKey(key);
        return call("put '" + key + "'", attempt -> (Long) put.run(k, args));
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl) {
        Objects.requireNonNull(value, "value");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be 0 or more, got " + expectedVersion);
        }
        List<byte[]> args = args(value, ttl, UUID.randomUUID().toString(), expectedVersion);
        byte[] k = redisKey(key);
        long n = call("compare-and-set '" + key + "'", attempt -> (Long) cas.run(k, args));
        return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
    }

    @Override
    public boolean delete(String key) {
        byte[] k = redisKey(key);
        return call("delete '" + key + "'", attempt -> client.del(k)) > 0;
    }

    @Override
    public List<String> keys(String prefix) {
        byte[] pattern = (escapeGlob(keyPrefix + prefix) + "*").getBytes(StandardCharsets.UTF_8);
        return call("keys '" + prefix + "'", attempt -> {
            TreeSet<String> found = new TreeSet<>();
            ScanParams params = new ScanParams().match(pattern).count(1000);
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            do {
                ScanResult<byte[]> page = client.scan(cursor, params);
                for (byte[] raw : page.getResult()) {
                    found.add(new String(raw, StandardCharsets.UTF_8).substring(keyPrefix.length()));
                }
                cursor = page.getCursorAsBytes();
            } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
            return List.copyOf(found);
        });
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "RedisStateManager{" + store + (keyPrefix.isEmpty() ? "" : ", keyPrefix=" + keyPrefix) + "}";
    }

    /** {@code s} with the glob characters of Redis's MATCH ({@code * ? [ ] \}) escaped. */
    static String escapeGlob(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private byte[] redisKey(String key) {
        Objects.requireNonNull(key, "key");
        return (keyPrefix + key).getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> args(byte[] value, Duration ttl, String writeId, Long expectedVersion) {
        List<byte[]> args = new ArrayList<>(4);
        args.add(value);
        args.add(Long.toString(ttlMillis(ttl)).getBytes(StandardCharsets.US_ASCII));
        args.add(writeId.getBytes(StandardCharsets.US_ASCII));
        if (expectedVersion != null) {
            args.add(Long.toString(expectedVersion).getBytes(StandardCharsets.US_ASCII));
        }
        return args;
    }

    private static long ttlMillis(Duration ttl) {
        if (ttl == null) {
            return 0;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        return Math.max(1, ttl.toMillis());
    }

    private <T> T call(String operation, RetryPolicy.Attempt<T> op) {
        return retry.call(store, operation, this::isTransient, op);
    }

    private boolean isTransient(Throwable e) {
        if (e instanceof JedisConnectionException) {
            // pooled connections to a server that went away are all dead: drop the idle ones now
            // rather than failing one retry per stale connection
            client.getPool().clear();
            return true;
        }
        if (e instanceof JedisDataException d && d.getMessage() != null) {
            String m = d.getMessage();
            return m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("TRYAGAIN")
                    || m.startsWith("MASTERDOWN") || m.startsWith("READONLY");
        }
        return false;
    }

    /** A Lua script run by its SHA-1, sent again in full when the server does not know it (after a restart). */
    private final class Script {
        private final byte[] body;
        private final byte[] sha;

        Script(String body) {
            this.body = body.getBytes(StandardCharsets.UTF_8);
            this.sha = sha1Hex(this.body);
        }

        Object run(byte[] key, List<byte[]> args) {
            List<byte[]> keys = List.of(key);
            try {
                return client.evalsha(sha, keys, args);
            } catch (JedisNoScriptException e) {
                return client.eval(body, keys, args);
            }
        }

        private static byte[] sha1Hex(byte[] body) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body))
                        .getBytes(StandardCharsets.US_ASCII);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is required of every Java platform", e);
            }
        }
    }

    /** Serves {@code stateConfig: {type: redis}}; its settings are {@link #SETTINGS}. */
    public static final class Provider implements StateManagerProvider {
        /** For ServiceLoader. */
        public Provider() {
        }

        @Override
        public String type() {
            return "redis";
        }

        @Override
        public SettingsDef settings() {
            return SETTINGS;
        }

        @Override
        public Map<String, String> propertiesAt(String url, String region, String user, String passwordEnv) {
            Map<String, String> p = URL.writeTo(new LinkedHashMap<>(), url);
            USER.writeTo(p, user);
            return PASSWORD_ENV.writeTo(p, passwordEnv);
        }

        @Override
        public StateManager open(StateConfig config) {
            return RedisStateManager.open(config);
        }
    }
}
