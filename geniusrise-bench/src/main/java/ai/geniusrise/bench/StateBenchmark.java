package ai.geniusrise.bench;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.core.state.Versioned;
import ai.geniusrise.state.dynamodb.DynamoDBStateManager;
import ai.geniusrise.state.postgres.PostgresStateManager;
import ai.geniusrise.state.redis.RedisStateManager;
import ai.geniusrise.testkit.dynamodb.EmbeddedDynamoDB;
import ai.geniusrise.testkit.postgres.EmbeddedPostgres;
import ai.geniusrise.testkit.redis.EmbeddedRedis;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The state managers against their raw clients, in one JVM, on servers from the test kit
 * (embedded Redis, embedded PostgreSQL, DynamoDB Local in memory). For each backend and each thread
 * count: {@code --ops} puts of {@code --value-bytes} random bytes on distinct keys, then as many
 * gets of them, through our {@link StateManager} and through the raw client doing the same with
 * the plainest code a user would write:
 * <ul>
 *   <li>Redis: Jedis {@code RedisClient}, {@code SET}/{@code GET}, a pool as large as ours (16);</li>
 *   <li>PostgreSQL: JDBC through a HikariCP pool as large as ours (10), autocommit,
 *   {@code INSERT ... ON CONFLICT (key) DO UPDATE} and {@code SELECT value ... WHERE key = ?};</li>
 *   <li>DynamoDB: the SDK v2 client (url-connection HTTP client, like ours), {@code PutItem} and
 *   strongly consistent {@code GetItem}.</li>
 * </ul>
 * With {@code --redis-script} (default on), Redis is measured a second time against the raw client
 * running the same versioned put script and {@code HMGET} as our manager, which separates the cost of
 * our client from the cost of the versioned layout on the server.
 * Rounds interleave raw and ours (alternating which goes first); the medians of the rounds are
 * reported with their ratio, and, since each round pairs ours with raw measured moments apart, the
 * median, lowest and highest of the per-round ratios, which show how much noise the machine adds.
 * {@code --help} lists the options.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Geniusrise state managers against the raw Redis, JDBC and DynamoDB clients, in one run.")
public final class StateBenchmark implements Callable<Integer> {

    @Option(names = "--ops", description = "Puts, then gets, per measurement for Redis and PostgreSQL (default ${DEFAULT-VALUE}).")
    int ops = 100_000;

    @Option(names = "--dynamodb-ops", description = "Puts, then gets, per measurement for DynamoDB Local (default: --ops).")
    Integer dynamodbOps;

    @Option(names = "--value-bytes", description = "Size of each value (default ${DEFAULT-VALUE}).")
    int valueBytes = 200;

    @Option(names = "--threads", split = ",", description = "Thread counts to measure (default ${DEFAULT-VALUE}).")
    List<Integer> threads = List.of(1, 4);

    @Option(names = "--rounds", description = "Rounds; medians are reported (default ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--warmup", description = "Rounds run first and not counted (default ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--backends", split = ",", description = "Backends to measure: redis, postgres, dynamodb (default ${DEFAULT-VALUE}).")
    List<String> backends = List.of("redis", "postgres", "dynamodb");

    @Option(names = "--redis-script", negatable = true, description = "Also compare with the raw client running the "
            + "same versioned put script (EVALSHA) and HMGET as our Redis manager (default ${DEFAULT-VALUE}).")
    boolean redisScript = true;

    /**
     * The put script of {@code RedisStateManager} (version raised and value, write id and expiry set in one
     * atomic step), for the raw client to run the same server-side work.
     */
    private static final String REDIS_PUT_SCRIPT = """
            local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'w', ARGV[3])
            if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('PERSIST', KEYS[1]) end
            return n
            """;

    /** Runs the benchmark; exits explicitly, as DynamoDB Local leaves a non-daemon thread behind. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new StateBenchmark()).execute(args));
    }

    /** One side of a comparison: a put and a get of one key. */
    interface Store extends AutoCloseable {
        void put(String key, byte[] value) throws Exception;

        byte[] get(String key) throws Exception;

        @Override
        void close() throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        byte[] value = new byte[valueBytes];
        new Random(42).nextBytes(value);
        System.out.printf(Locale.ROOT, "%d-byte values; threads %s; %d rounds after %d warm-up; max heap %d MiB; %d cores%n",
                valueBytes, threads, rounds, warmup, Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        List<String> table = new ArrayList<>();
        for (String backend : backends) {
            switch (backend) {
                case "redis" -> {
                    try (EmbeddedRedis redis = EmbeddedRedis.builder().setting("appendonly no").build().start();
                         Store raw = rawRedis(redis); Store ours = ours(new StateConfig("redis", Map.of(RedisStateManager.URL.name(),
                                 redis.url(), RedisStateManager.KEY_PREFIX.name(), "ours:")))) {
                        table.addAll(compare("Redis", raw, ours, value, ops));
                    }
                    if (redisScript) {
                        try (EmbeddedRedis redis = EmbeddedRedis.builder().setting("appendonly no").build().start();
                             Store raw = rawRedisScript(redis); Store ours = ours(new StateConfig("redis", Map.of(
                                     RedisStateManager.URL.name(), redis.url(), RedisStateManager.KEY_PREFIX.name(), "ours:")))) {
                            table.addAll(compare("Redis, raw runs our Lua put and HMGET", raw, ours, value, ops));
                        }
                    }
                }
                case "postgres" -> {
                    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().serverConfig("synchronous_commit", "off").build().start();
                         Store raw = rawPostgres(pg); Store ours = ours(new StateConfig("postgres", Map.of(
                                 PostgresStateManager.URL.name(), pg.jdbcUrl(), PostgresStateManager.USER.name(), pg.user(),
                                 PostgresStateManager.TABLE.name(), "bench_ours")))) {
                        table.addAll(compare("PostgreSQL", raw, ours, value, ops));
                    }
                }
                case "dynamodb" -> {
                    System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "bench"));
                    System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "bench"));
                    try (EmbeddedDynamoDB dynamo = EmbeddedDynamoDB.builder().inMemory().build().start();
                         Store raw = rawDynamoDB(dynamo); Store ours = ours(new StateConfig("dynamodb", Map.of(
                                 DynamoDBStateManager.ENDPOINT.name(), dynamo.endpoint(),
                                 DynamoDBStateManager.REGION.name(), EmbeddedDynamoDB.REGION,
                                 DynamoDBStateManager.TABLE.name(), "bench_ours", DynamoDBStateManager.CREATE_TABLE.name(), "true")))) {
                        table.addAll(compare("DynamoDB Local", raw, ours, value, dynamodbOps != null ? dynamodbOps : ops));
                    }
                }
                default -> throw new CommandLine.ParameterException(new CommandLine(this),
                        "unknown backend '" + backend + "': expected redis, postgres or dynamodb");
            }
        }
        System.out.printf(Locale.ROOT, "%nmedians of %d rounds, operations per second:%n%n", rounds);
        System.out.println("| backend | ops | threads | operation | raw client | geniusrise | geniusrise / raw "
                + "| per-round ratio: median (min–max) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        table.forEach(System.out::println);
        return 0;
    }

    /** Rows of the result table for one backend. */
    private List<String> compare(String name, Store raw, Store ours, byte[] value, int n) throws Exception {
        System.out.printf(Locale.ROOT, "%n%s, %d operations per measurement%n", name, n);
        // results.get(threads) -> {raw put, ours put, raw get, ours get} -> per-round ops/s
        Map<Integer, List<List<Double>>> results = new LinkedHashMap<>();
        for (int t : threads) {
            results.put(t, List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        }
        for (int r = -warmup; r < rounds; r++) {
            boolean counted = r >= 0;
            System.out.println(counted ? "round " + (r + 1) : "warm-up round (not counted)");
            for (int t : threads) {
                boolean oursFirst = (r & 1) == 1;
                Store first = oursFirst ? ours : raw;
                Store second = oursFirst ? raw : ours;
                String p = "r" + (r + warmup) + "t" + t + "/";
                double firstPut = measure(name, oursFirst ? "ours put" : "raw put", t, n, i -> first.put(p + i, value));
                double secondPut = measure(name, oursFirst ? "raw put" : "ours put", t, n, i -> second.put(p + i, value));
                double firstGet = measure(name, oursFirst ? "ours get" : "raw get", t, n, i -> check(first.get(p + i), value));
                double secondGet = measure(name, oursFirst ? "raw get" : "ours get", t, n, i -> check(second.get(p + i), value));
                if (counted) {
                    List<List<Double>> l = results.get(t);
                    l.get(0).add(oursFirst ? secondPut : firstPut);
                    l.get(1).add(oursFirst ? firstPut : secondPut);
                    l.get(2).add(oursFirst ? secondGet : firstGet);
                    l.get(3).add(oursFirst ? firstGet : secondGet);
                }
            }
        }
        List<String> rows = new ArrayList<>();
        for (Map.Entry<Integer, List<List<Double>>> e : results.entrySet()) {
            for (int op = 0; op < 2; op++) {
                List<Double> raws = e.getValue().get(op * 2);
                List<Double> ourses = e.getValue().get(op * 2 + 1);
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < raws.size(); i++) {
                    ratios.add(ourses.get(i) / raws.get(i));
                }
                double rawOps = median(raws);
                double oursOps = median(ourses);
                rows.add(String.format(Locale.ROOT, "| %s | %,d | %d | %s | %,.0f/s | %,.0f/s | %.2f× | %.2f× (%.2f–%.2f) |",
                        name, n, e.getKey(), op == 0 ? "put" : "get", rawOps, oursOps, oursOps / rawOps, median(ratios),
                        ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                        ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
            }
        }
        return rows;
    }

    interface Op {
        void run(int i) throws Exception;
    }

    /** Runs {@code op} for i in [0, n) split over {@code threads} threads; returns operations per second. */
    private static double measure(String backend, String what, int threads, int n, Op op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) n * t / threads);
                int to = (int) ((long) n * (t + 1) / threads);
                parts.add(pool.submit(() -> {
                    for (int i = from; i < to; i++) {
                        op.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double rate = n / seconds;
            System.out.printf(Locale.ROOT, "  %-14s %-8s %d thread(s) %10.0f ops/s  %6.2f s%n", backend, what, threads, rate,
                    seconds);
            return rate;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void check(byte[] got, byte[] expected) {
        if (got == null || got.length != expected.length) {
            throw new IllegalStateException("a get returned " + (got == null ? "nothing" : got.length + " bytes")
                    + " instead of the " + expected.length + " bytes put");
        }
    }

    private static Store ours(StateConfig config) {
        StateManager state = StateManager.open(config);
        return new Store() {
            @Override
            public void put(String key, byte[] value) {
                state.put(key, value);
            }

            @Override
            public byte[] get(String key) {
                Optional<Versioned> v = state.get(key);
                return v.map(Versioned::value).orElse(null);
            }

            @Override
            public void close() {
                state.close();
            }
        };
    }

    private static Store rawRedis(EmbeddedRedis redis) {
        ConnectionPoolConfig poolConfig = new ConnectionPoolConfig();
        poolConfig.setMaxTotal(16);
        poolConfig.setMaxIdle(16);
        RedisClient client = RedisClient.builder().hostAndPort("127.0.0.1", redis.port())
                .clientConfig(DefaultJedisClientConfig.builder().build()).poolConfig(poolConfig).build();
        return new Store() {
            @Override
            public void put(String key, byte[] value) {
                client.set(("raw:" + key).getBytes(StandardCharsets.UTF_8), value);
            }

            @Override
            public byte[] get(String key) {
                return client.get(("raw:" + key).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    private static Store rawRedisScript(EmbeddedRedis redis) {
        ConnectionPoolConfig poolConfig = new ConnectionPoolConfig();
        poolConfig.setMaxTotal(16);
        poolConfig.setMaxIdle(16);
        RedisClient client = RedisClient.builder().hostAndPort("127.0.0.1", redis.port())
                .clientConfig(DefaultJedisClientConfig.builder().build()).poolConfig(poolConfig).build();
        byte[] sha = client.scriptLoad(REDIS_PUT_SCRIPT).getBytes(StandardCharsets.US_ASCII);
        byte[] noTtl = {'0'};
        byte[] field = {'v'};
        byte[] version = {'n'};
        return new Store() {
            @Override
            public void put(String key, byte[] value) {
                byte[] writeId = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
                client.evalsha(sha, List.of(("raw:" + key).getBytes(StandardCharsets.UTF_8)), List.of(value, noTtl, writeId));
            }

            @Override
            public byte[] get(String key) {
                return client.hmget(("raw:" + key).getBytes(StandardCharsets.UTF_8), field, version).get(0);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    private static Store rawPostgres(EmbeddedPostgres pg) throws SQLException {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(pg.jdbcUrl());
        hc.setUsername(pg.user());
        hc.setMaximumPoolSize(10);
        hc.setAutoCommit(true);
        HikariDataSource ds = new HikariDataSource(hc);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_raw (key text PRIMARY KEY, value bytea NOT NULL)");
        }
        return new Store() {
            @Override
            public void put(String key, byte[] value) throws SQLException {
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO bench_raw (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")) {
                    ps.setString(1, key);
                    ps.setBytes(2, value);
                    ps.executeUpdate();
                }
            }

            @Override
            public byte[] get(String key) throws SQLException {
                try (Connection c = ds.getConnection();
                     PreparedStatement ps = c.prepareStatement("SELECT value FROM bench_raw WHERE key = ?")) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getBytes(1) : null;
                    }
                }
            }

            @Override
            public void close() {
                ds.close();
            }
        };
    }

    private static Store rawDynamoDB(EmbeddedDynamoDB dynamo) {
        DynamoDbClient client = DynamoDbClient.builder().endpointOverride(URI.create(dynamo.endpoint()))
                .region(Region.of(EmbeddedDynamoDB.REGION)).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .build();
        client.createTable(t -> t.tableName("bench_raw").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("k").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("k").keyType(KeyType.HASH).build()));
        return new Store() {
            @Override
            public void put(String key, byte[] value) {
                client.putItem(p -> p.tableName("bench_raw").item(Map.of("k", AttributeValue.fromS(key),
                        "v", AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(value)))));
            }

            @Override
            public byte[] get(String key) {
                AttributeValue v = client.getItem(g -> g.tableName("bench_raw").consistentRead(true)
                        .key(Map.of("k", AttributeValue.fromS(key)))).item().get("v");
                return v == null ? null : v.b().asByteArrayUnsafe();
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
