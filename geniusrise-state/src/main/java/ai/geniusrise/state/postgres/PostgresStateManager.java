package ai.geniusrise.state.postgres;

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
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * State in one PostgreSQL table ({@code stateConfig: {type: postgres, url: jdbc:postgresql://host/db}}),
 * through a HikariCP pool of pgjdbc connections.
 *
 * <p>The table (default {@code geniusrise_state}) is created on first use unless
 * {@code createTable: false}: {@code key text COLLATE "C" PRIMARY KEY, value bytea, version
 * bigint, expires_at timestamptz, writer uuid}. Every operation is one autocommitted statement:
 * puts are {@code INSERT ... ON CONFLICT DO UPDATE} upserts, compare-and-set puts the expected
 * version in the {@code WHERE}, so the database's row locking gives exactly one winner among
 * concurrent writers. Expiry is judged by the database's clock ({@code now()}); expired rows
 * are ignored by reads and replaced by writes, but stay in the table until written or deleted.
 * {@link #keys(String)} is {@code LIKE 'prefix%'} with the prefix's wildcards escaped, on the
 * C-collated key; it reads every row of the table in the worst case, so it is meant for listing
 * checkpoints, not for a hot path.
 *
 * <p>Promises: thread-safe; a write that returns was committed (durable as the server's
 * {@code synchronous_commit} makes it); transient failures (connection refused or lost, pool
 * timeout, server starting or shutting down, serialization failures) are retried with bounded
 * exponential backoff on a fresh connection, then reported as {@link StateException} naming the
 * store and the operation. A compare-and-set retried after its reply was lost recognises its own
 * earlier write by its {@code writer} id. Limits: a value is at most 1 GB (bytea), keys at most
 * about 2,700 bytes (a B-tree entry).
 */
public final class PostgresStateManager implements StateManager {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final String IDENTIFIER_EXPECTED = "an identifier: a letter or _, then letters, digits or _, "
            + "at most 63 in all";

    public static final Setting<String> URL = Setting.string("url", "The database: jdbc:postgresql://host[:port]/database"
                    + "[?params], or the same without jdbc:; never with credentials in it.").required()
            .check(url -> postgresUri(url) != null,
                    "a JDBC URL such as jdbc:postgresql://host:5432/database (or postgresql://host:5432/database)");
    public static final Setting<String> USER = Setting.string("user", "Database user (default: the driver's, the OS user).");
    public static final Setting<String> PASSWORD_ENV = Setting.secretReference("passwordEnv",
            "Name of the environment variable holding the password (default: none).");
    public static final Setting<String> SCHEMA = Setting.string("schema",
            "Schema of the table (default: the connection's search path).")
            .check(v -> IDENTIFIER.matcher(v).matches(), IDENTIFIER_EXPECTED);
    public static final Setting<String> TABLE = Setting.string("table", "Table name; used as given, quoted.")
            .check(v -> IDENTIFIER.matcher(v).matches(), IDENTIFIER_EXPECTED).withDefault("geniusrise_state");
    public static final Setting<Boolean> CREATE_TABLE = Setting.bool("createTable",
            "Create schema and table on first use if missing.").withDefault(true);
    public static final Setting<Integer> POOL_SIZE = Setting.integer("poolSize", 1, 1000, "Most connections open at once.")
            .withDefault(10);
    public static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "Connect and pool-wait timeout.")
            .withDefault(Duration.ofSeconds(10));

    /** The settings of a {@code stateConfig} of type {@code postgres}. */
    public static final SettingsDef SETTINGS = SettingsDef.of("a postgres stateConfig", URL, USER, PASSWORD_ENV, SCHEMA,
                    TABLE, CREATE_TABLE, POOL_SIZE, TIMEOUT)
            .plus(RetryPolicy.SETTINGS)
            .refusing("password", "passwords are never given inline: put it in an environment variable and name "
                    + "that variable in 'passwordEnv'")
            .withRule(PostgresStateManager::refuseInlineCredentials);
    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "40001", "40P01", "53300");

    private final HikariDataSource pool;
    private final String store;
    private final String table;
    private final boolean createTable;
    private final String schema;
    private final RetryPolicy retry;
    private final String selectSql;
    private final String putSql;
    private final String insertIfAbsentSql;
    private final String updateIfVersionSql;
    private final String writtenBySql;
    private final String deleteSql;
    private final String keysSql;
    private volatile boolean tableReady;

    private PostgresStateManager(HikariDataSource pool, String store, String schema, String table,
                                 boolean createTable, RetryPolicy retry) {
        this.pool = pool;
        this.store = store;
        this.schema = schema;
        this.table = schema == null ? quote(table) : quote(schema) + "." + quote(table);
        this.createTable = createTable;
        this.retry = retry;
        String t = this.table;
        String expiry = "now() + CAST(? AS double precision) * interval '1 millisecond'";
        String live = "(expires_at IS NULL OR expires_at > now())";
        this.selectSql = "SELECT value, version FROM " + t + " WHERE key = ? AND " + live;
        String upsert = "INSERT INTO " + t + " AS t (key, value, version, expires_at, writer) VALUES (?, ?, 1, "
                + expiry + ", ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = t.version + 1, "
                + "expires_at = excluded.expires_at, writer = excluded.writer";
        this.putSql = upsert + " RETURNING version";
        this.insertIfAbsentSql = upsert + " WHERE t.expires_at IS NOT NULL AND t.expires_at <= now() RETURNING version";
        this.updateIfVersionSql = "UPDATE " + t + " SET value = ?, version = version + 1, expires_at = " + expiry
                + ", writer = ? WHERE key = ? AND version = ? AND " + live + " RETURNING version";
        this.writtenBySql = "SELECT version FROM " + t + " WHERE key = ? AND writer = ?";
        this.deleteSql = "DELETE FROM " + t + " WHERE key = ? RETURNING " + live;
        this.keysSql = "SELECT key FROM " + t + " WHERE key LIKE ? ESCAPE '!' AND " + live;
    }

    /**
     * Opens a manager for {@code config} (type {@code postgres}); see {@link Provider} for the
     * properties. Connections are made lazily, and the table is created on first use: an
     * unreachable server fails the first operation, not the open.
     *
     * @throws ConfigException if a property is unknown or malformed
     */
    public static PostgresStateManager open(StateConfig config) {
        return open(config, System::getenv);
    }

    static PostgresStateManager open(StateConfig config, Function<String, String> env) {
        Settings p = SETTINGS.parse(config.properties(), "stateConfig.");
        String user = p.get(USER);
        String password = p.secret(PASSWORD_ENV, env);
        String schema = p.get(SCHEMA);
        String table = p.get(TABLE);
        int poolSize = p.get(POOL_SIZE);
        Duration timeout = p.get(TIMEOUT);
        URI uri = postgresUri(p.get(URL));

        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:" + uri);
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setPoolName("geniusrise-state-postgres");
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        hc.setConnectionTimeout(Math.max(250, timeout.toMillis()));
        hc.setValidationTimeout(Math.max(250, Math.min(timeout.toMillis(), 5000)));
        hc.setInitializationFailTimeout(-1);
        hc.setAutoCommit(true);
        int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        hc.addDataSourceProperty("connectTimeout", seconds);
        hc.addDataSourceProperty("socketTimeout", Math.max(30, seconds));
        hc.addDataSourceProperty("tcpKeepAlive", true);
        hc.addDataSourceProperty("ApplicationName", "geniusrise");
        String store = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + uri.getPath();
        return new PostgresStateManager(new HikariDataSource(hc), store, schema, table, p.get(CREATE_TABLE),
                RetryPolicy.from(p));
    }

    /** {@code url} (checked by {@link #URL}) as a {@code postgresql://} URI, without {@code jdbc:}; {@code null} if it is none. */
    private static URI postgresUri(String url) {
        String bare = url.startsWith("jdbc:") ? url.substring(5) : url;
        URI uri;
        try {
            uri = new URI(bare);
        } catch (URISyntaxException e) {
            return null;
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("postgresql") || uri.getScheme().equals("postgres"))
                || uri.getHost() == null || uri.isOpaque()) {
            return null;
        }
        if (uri.getScheme().equals("postgres")) {
            try {
                uri = new URI("postgresql", uri.getRawUserInfo(), uri.getHost(), uri.getPort(), uri.getPath(),
                        uri.getQuery(), null);
            } catch (URISyntaxException e) {
                return null;
            }
        }
        return uri;
    }

    /** Credentials never go into the URL. */
    private static void refuseInlineCredentials(Settings p) {
        URI uri = postgresUri(p.get(URL));
        if (uri.getRawUserInfo() != null || (uri.getRawQuery() != null
                && uri.getRawQuery().toLowerCase(java.util.Locale.ROOT).matches("(.*&)?password=.*"))) {
            throw p.error(URL, "credentials are never given inline: set 'user', and put the password in an "
                    + "environment variable named in 'passwordEnv'");
        }
    }

    /** The store this manager writes to, as named in errors: {@code postgresql://host:port/database}. */
    public String store() {
        return store;
    }

    /** The table, quoted and qualified as used in SQL. */
    public String table() {
        return table;
    }

    @Override
    public Optional<Versioned> get(String key) {
        Objects.requireNonNull(key, "key");
        return call("get '" + key + "'", (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(selectSql)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Versioned(rs.getBytes(1), rs.getLong(2))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public long put(String key, byte[] value, Duration ttl) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Long ttlMillis = ttlMillis(ttl);
        UUID writer = UUID.randomUUID();
        return call("put '" + key + "'", (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(putSql)) {
                bindInsert(ps, key, value, ttlMillis, writer);
                return single(ps).orElseThrow(() -> new SQLException("upsert returned no row"));
            }
        });
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be 0 or more, got " + expectedVersion);
        }
        Long ttlMillis = ttlMillis(ttl);
        UUID writer = UUID.randomUUID();
        return call("compare-and-set '" + key + "'", (c, attempt) -> {
            OptionalLong written;
            if (expectedVersion == 0) {
                try (PreparedStatement ps = c.prepareStatement(insertIfAbsentSql)) {
                    bindInsert(ps, key, value, ttlMillis, writer);
                    written = single(ps);
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement(updateIfVersionSql)) {
                    ps.setBytes(1, value);
                    ps.setObject(2, ttlMillis, Types.BIGINT);
                    ps.setObject(3, writer);
                    ps.setString(4, key);
                    ps.setLong(5, expectedVersion);
                    written = single(ps);
                }
            }
            if (written.isEmpty() && attempt > 1) {
                // an earlier attempt may have committed before its reply was lost
                try (PreparedStatement ps = c.prepareStatement(writtenBySql)) {
                    ps.setString(1, key);
                    ps.setObject(2, writer);
                    written = single(ps);
                }
            }
            return written;
        });
    }

    @Override
    public boolean delete(String key) {
        Objects.requireNonNull(key, "key");
        return call("delete '" + key + "'", (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    @Override
    public List<String> keys(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        String pattern = escapeLike(prefix) + "%";
        return call("keys '" + prefix + "'", (c, attempt) -> {
            List<String> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(keysSql)) {
                ps.setString(1, pattern);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
            }
            Collections.sort(keys);
            return Collections.unmodifiableList(keys);
        });
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "PostgresStateManager{" + store + ", table=" + table + "}";
    }

    /** {@code s} as a LIKE pattern matching itself, with {@code !} as the escape character. */
    static String escapeLike(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '!' || c == '%' || c == '_') {
                sb.append('!');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c, int attempt) throws SQLException;
    }

    private <T> T call(String operation, Work<T> work) {
        return retry.call(store, operation, PostgresStateManager::isTransient, attempt -> {
            try (Connection c = pool.getConnection()) {
                ensureTable(c);
                return work.run(c, attempt);
            }
        });
    }

    private void ensureTable(Connection c) throws SQLException {
        if (tableReady || !createTable) {
            return;
        }
        synchronized (this) {
            if (tableReady) {
                return;
            }
            try (Statement st = c.createStatement()) {
                if (schema != null) {
                    st.execute("CREATE SCHEMA IF NOT EXISTS " + quote(schema));
                }
                st.execute("CREATE TABLE IF NOT EXISTS " + table + " (key text COLLATE \"C\" PRIMARY KEY, "
                        + "value bytea NOT NULL, version bigint NOT NULL, expires_at timestamptz, writer uuid)");
            } catch (SQLException e) {
                // another process created it at the same moment
                if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())
                        && !"42P06".equals(e.getSQLState())) {
                    throw e;
                }
            }
            tableReady = true;
        }
    }

    private static void bindInsert(PreparedStatement ps, String key, byte[] value, Long ttlMillis, UUID writer)
            throws SQLException {
        ps.setString(1, key);
        ps.setBytes(2, value);
        ps.setObject(3, ttlMillis, Types.BIGINT);
        ps.setObject(4, writer);
    }

    private static OptionalLong single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        }
    }

    private static Long ttlMillis(Duration ttl) {
        if (ttl == null) {
            return null;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        return Math.max(1, ttl.toMillis());
    }

    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof java.io.IOException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || TRANSIENT_STATES.contains(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static String quote(String identifier) {
        return "\"" + identifier + "\"";
    }

    /** Serves {@code stateConfig: {type: postgres}}; its settings are {@link #SETTINGS}. */
    public static final class Provider implements StateManagerProvider {
        /** For ServiceLoader. */
        public Provider() {
        }

        @Override
        public String type() {
            return "postgres";
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
            return PostgresStateManager.open(config);
        }
    }
}
