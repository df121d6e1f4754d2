package ai.geniusrise.state.dynamodb;

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
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * State in one DynamoDB table ({@code stateConfig: {type: dynamodb, table: ..., region: ...}}),
 * through the AWS SDK v2 with its small {@code url-connection-client} HTTP transport (a state
 * manager makes few, small, synchronous requests; Netty or Apache clients would add megabytes
 * of dependencies for no gain).
 *
 * <p>Each entry is one item whose partition key {@code k} (a string) is the key, with the value
 * ({@code v}, binary), its version ({@code ver}), the id of the write that stored it ({@code w}),
 * and, for entries with a time-to-live, the expiry in epoch milliseconds ({@code expms}) and in
 * epoch seconds ({@code ttl}, the table's TTL attribute, enabled when this manager creates the
 * table). DynamoDB deletes expired items lazily, within days, so reads filter on {@code expms}
 * by this process's clock. Puts are {@code UpdateItem} with
 * {@code ver = if_not_exists(ver, 0) + 1}; compare-and-set adds a condition on {@code ver}, so
 * DynamoDB's conditional writes give exactly one winner among concurrent writers.
 * {@link #keys(String)} is a {@code Scan} with a {@code begins_with} filter: with the key as the
 * sole partition key a {@code Query} cannot range over prefixes, so listing costs a read of the
 * whole table (paginated, strongly consistent), whatever the size of the answer. Keys are meant
 * for checkpoints and cursors; listing is for small tables and administration.
 *
 * <p>Promises: thread-safe; a write that returns was acknowledged by DynamoDB (durable there);
 * reads are strongly consistent; transient failures (I/O errors, timeouts, throttling, 5xx)
 * are retried with bounded exponential backoff (the SDK's own retries are switched off so the
 * one policy applies), then reported as {@link StateException} naming the store and the
 * operation. A compare-and-set retried after its reply was lost recognises its own earlier write
 * by its id. Limits: an item is at most 400 KB, so a value is at most about 400 KB less the key
 * and 60 bytes of attributes; a key is 1 to 2,048 bytes of UTF-8.
 */
public final class DynamoDBStateManager implements StateManager {

    private static final String KEY = "k";
    private static final String VALUE = "v";
    private static final String VERSION = "ver";
    private static final String WRITER = "w";
    private static final String EXPIRES_MS = "expms";
    public static final Setting<String> TABLE = Setting.string("table", "Table name.")
            .check(t -> t.matches("[A-Za-z0-9_.-]{3,255}"), "a DynamoDB table name: 3 to 255 letters, digits, _, - or .")
            .withDefault("geniusrise_state");
    public static final Setting<String> REGION = Setting.string("region",
                    "AWS region (default: the SDK's chain, AWS_REGION and so on; us-east-1 with an endpoint).")
            .check(r -> r.matches("[a-z]{2}(-[a-z0-9]+)+-\\d+|local"), "an AWS region such as eu-west-1");
    public static final Setting<URI> ENDPOINT = Setting.location("endpoint", Set.of("http", "https"),
            "an http(s) URL such as http://localhost:8000", "Endpoint override, such as DynamoDB Local's.");
    public static final Setting<Boolean> CREATE_TABLE = Setting.bool("createTable",
            "Create the table (on-demand billing, TTL on ttl) on first use if missing.").withDefault(false);
    public static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "Connect, read and per-attempt timeout.")
            .withDefault(Duration.ofSeconds(5));

    /** The settings of a {@code stateConfig} of type {@code dynamodb}. */
    public static final SettingsDef SETTINGS = SettingsDef.of("a dynamodb stateConfig", TABLE, REGION, ENDPOINT,
            CREATE_TABLE, TIMEOUT).plus(RetryPolicy.SETTINGS);

    private static final String TTL = "ttl";
    private static final Map<String, String> NAMES = Map.of("#k", KEY, "#v", VALUE, "#ver", VERSION,
            "#w", WRITER, "#exp", EXPIRES_MS, "#ttl", TTL);
    private static final Pattern PLACEHOLDER = Pattern.compile("#\\w+");

    private final DynamoDbClient client;
    private final String table;
    private final String store;
    private final boolean createTable;
    private final RetryPolicy retry;
    private final Clock clock;
    private volatile boolean tableReady;

    private DynamoDBStateManager(DynamoDbClient client, String table, String store, boolean createTable,
                                 RetryPolicy retry, Clock clock) {
        this.client = client;
        this.table = table;
        this.store = store;
        this.createTable = createTable;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * Opens a manager for {@code config} (type {@code dynamodb}); see {@link Provider} for the
     * properties. Credentials come from the AWS SDK's default chain (environment, system
     * properties, profile, container or instance role). The table is checked, or created, on
     * first use: an unreachable endpoint fails the first operation, not the open.
     *
     * @throws ConfigException if a property is unknown or malformed
     */
    public static DynamoDBStateManager open(StateConfig config) {
        Settings p = SETTINGS.parse(config.properties(), "stateConfig.");
        String table = p.get(TABLE);
        String region = p.get(REGION);
        URI endpointUri = p.get(ENDPOINT);
        boolean createTable = p.get(CREATE_TABLE);
        Duration timeout = p.get(TIMEOUT);
        RetryPolicy retry = RetryPolicy.from(p);
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(timeout));
        if (endpointUri != null) {
            builder.endpointOverride(endpointUri);
        }
        if (region != null) {
            builder.region(Region.of(region));
        } else if (endpointUri != null) {
            builder.region(Region.US_EAST_1);
        }
        DynamoDbClient client;
        try {
            client = builder.build();
        } catch (SdkClientException e) {
            ConfigException missing = p.error(REGION, "no AWS region: set 'region' (or AWS_REGION)");
            missing.initCause(e);
            throw missing;
        }
        String where = endpointUri != null ? endpointUri.getHost()
                + (endpointUri.getPort() == -1 ? "" : ":" + endpointUri.getPort())
                : client.serviceClientConfiguration().region().id();
        return new DynamoDBStateManager(client, table, "dynamodb://" + where + "/" + table, createTable, retry,
                Clock.systemUTC());
    }

    /** The store this manager writes to, as named in errors: {@code dynamodb://region-or-endpoint/table}. */
    public String store() {
        return store;
    }

    @Override
    public Optional<Versioned> get(String key) {
        Map<String, AttributeValue> k = key(key);
        return call("get '" + key + "'", attempt -> {
            Map<String, AttributeValue> item = client.getItem(r -> r.tableName(table).key(k).consistentRead(true)).item();
            if (item == null || item.isEmpty() || expired(item, clock.millis())) {
                return Optional.empty();
            }
            return Optional.of(new Versioned(item.get(VALUE).b().asByteArray(), Long.parseLong(item.get(VERSION).n())));
        });
    }

    @Override
    public long put(String key, byte[] value, Duration ttl) {
        Objects.requireNonNull(value, "value");
        Long ttlMillis = ttlMillis(ttl);
        Map<String, AttributeValue> k = key(key);
        String writer = UUID.randomUUID().toString();
        return call("put '" + key + "'", attempt -> {
            UpdateItemRequest r = write(k, value, ttlMillis, writer).build();
            r = r.toBuilder().expressionAttributeNames(names(r.updateExpression())).build();
            return Long.parseLong(client.updateItem(r).attributes().get(VERSION).n());
        });
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl) {
        Objects.requireNonNull(value, "value");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be 0 or more, got " + expectedVersion);
        }
        Long ttlMillis = ttlMillis(ttl);
        Map<String, AttributeValue> k = key(key);
        String writer = UUID.randomUUID().toString();
        return call("compare-and-set '" + key + "'", attempt -> {
            UpdateItemRequest.Builder r = write(k, value, ttlMillis, writer);
            Map<String, AttributeValue> values = new HashMap<>(r.build().expressionAttributeValues());
            values.put(":now", number(clock.millis()));
            if (expectedVersion == 0) {
                r.conditionExpression("attribute_not_exists(#k) OR #exp <= :now");
            } else {
                r.conditionExpression("#ver = :expected AND (attribute_not_exists(#exp) OR #exp > :now)");
                values.put(":expected", number(expectedVersion));
            }
            UpdateItemRequest partial = r.build();
            r.expressionAttributeValues(values)
                    .expressionAttributeNames(names(partial.updateExpression(), partial.conditionExpression()))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
            try {
                return OptionalLong.of(Long.parseLong(client.updateItem(r.build()).attributes().get(VERSION).n()));
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> current = e.item();
                // an earlier attempt may have been applied before its reply was lost
                if (current != null && current.containsKey(WRITER) && writer.equals(current.get(WRITER).s())) {
                    return OptionalLong.of(Long.parseLong(current.get(VERSION).n()));
                }
                return OptionalLong.empty();
            }
        });
    }

    @Override
    public boolean delete(String key) {
        Map<String, AttributeValue> k = key(key);
        return call("delete '" + key + "'", attempt -> {
            Map<String, AttributeValue> old = client.deleteItem(r -> r.tableName(table).key(k)
                    .returnValues(ReturnValue.ALL_OLD)).attributes();
            return old != null && !old.isEmpty() && !expired(old, clock.millis());
        });
    }

    @Override
    public List<String> keys(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return call("keys '" + prefix + "'", attempt -> {
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":now", number(clock.millis()));
            String filter = "(attribute_not_exists(#exp) OR #exp > :now)";
            if (!prefix.isEmpty()) {
                filter = "begins_with(#k, :prefix) AND " + filter;
                values.put(":prefix", AttributeValue.fromS(prefix));
            }
            ScanRequest.Builder scan = ScanRequest.builder().tableName(table).consistentRead(true)
                    .projectionExpression("#k").filterExpression(filter)
                    .expressionAttributeNames(Map.of("#k", KEY, "#exp", EXPIRES_MS))
                    .expressionAttributeValues(values);
            List<String> keys = new ArrayList<>();
            Map<String, AttributeValue> start = null;
            do {
                ScanResponse page = client.scan(scan.exclusiveStartKey(start).build());
                for (Map<String, AttributeValue> item : page.items()) {
                    keys.add(item.get(KEY).s());
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
            Collections.sort(keys);
            return Collections.unmodifiableList(keys);
        });
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "DynamoDBStateManager{" + store + "}";
    }

    private UpdateItemRequest.Builder write(Map<String, AttributeValue> k, byte[] value, Long ttlMillis, String writer) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":v", AttributeValue.fromB(SdkBytes.fromByteArray(value)));
        values.put(":w", AttributeValue.fromS(writer));
        values.put(":zero", number(0));
        values.put(":one", number(1));
        String update = "SET #v = :v, #w = :w, #ver = if_not_exists(#ver, :zero) + :one";
        if (ttlMillis != null) {
            long expiresAt = clock.millis() + ttlMillis;
            values.put(":exp", number(expiresAt));
            values.put(":ttl", number((expiresAt + 999) / 1000));
            update += ", #exp = :exp, #ttl = :ttl";
        } else {
            update += " REMOVE #exp, #ttl";
        }
        return UpdateItemRequest.builder().tableName(table).key(k).updateExpression(update)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.UPDATED_NEW);
    }

    /** The attribute-name placeholders the expressions use: DynamoDB rejects unused ones. */
    private static Map<String, String> names(String... expressions) {
        Map<String, String> used = new HashMap<>();
        for (String expression : expressions) {
            Matcher m = PLACEHOLDER.matcher(expression);
            while (m.find()) {
                used.put(m.group(), NAMES.get(m.group()));
            }
        }
        return used;
    }

    private static Map<String, AttributeValue> key(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("DynamoDB keys must not be empty");
        }
        return Map.of(KEY, AttributeValue.fromS(key));
    }

    private static boolean expired(Map<String, AttributeValue> item, long now) {
        AttributeValue exp = item.get(EXPIRES_MS);
        return exp != null && exp.n() != null && Long.parseLong(exp.n()) <= now;
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
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

    private <T> T call(String operation, RetryPolicy.Attempt<T> op) {
        return retry.call(store, operation, DynamoDBStateManager::isTransient, attempt -> {
            ensureTable();
            return op.run(attempt);
        });
    }

    private void ensureTable() {
        if (tableReady) {
            return;
        }
        synchronized (this) {
            if (tableReady) {
                return;
            }
            try {
                if (client.describeTable(r -> r.tableName(table)).table().tableStatus() != TableStatus.ACTIVE) {
                    waitUntilActive();
                }
            } catch (ResourceNotFoundException e) {
                if (!createTable) {
                    throw new StateException(store + ": table '" + table + "' does not exist; create it (partition "
                            + "key '" + KEY + "', a string) or set createTable: true");
                }
                create();
            }
            tableReady = true;
        }
    }

    private void create() {
        try {
            client.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName(KEY)
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build()));
        } catch (ResourceInUseException e) {
            // another process is creating it
        }
        waitUntilActive();
        try {
            client.updateTimeToLive(r -> r.tableName(table)
                    .timeToLiveSpecification(s -> s.attributeName(TTL).enabled(true)));
        } catch (AwsServiceException e) {
            // already enabled by whoever created the table; reads filter expired items anyway
        }
    }

    private void waitUntilActive() {
        client.waiter().waitUntilTableExists(r -> r.tableName(table)).matched().exception().ifPresent(e -> {
            throw new StateException(store, "waiting for table '" + table + "' to become active", e);
        });
    }

    static boolean isTransient(Throwable e) {
        if (e instanceof AwsServiceException s) {
            return s.statusCode() >= 500 || s.isThrottlingException() || s.retryable();
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return true;
        }
        if (e instanceof SdkClientException) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IOException) {
                    return true;
                }
            }
            return ((SdkException) e).retryable();
        }
        return false;
    }

    /** Serves {@code stateConfig: {type: dynamodb}}; its settings are {@link #SETTINGS}. */
    public static final class Provider implements StateManagerProvider {
        /** For ServiceLoader. */
        public Provider() {
        }

        @Override
        public String type() {
            return "dynamodb";
        }

        @Override
        public SettingsDef settings() {
            return SETTINGS;
        }

        @Override
        public Map<String, String> propertiesAt(String url, String region, String user, String passwordEnv) {
            return REGION.writeTo(ENDPOINT.writeTo(new LinkedHashMap<>(), url), region);
        }

        @Override
        public StateManager open(StateConfig config) {
            return DynamoDBStateManager.open(config);
        }
    }
}
