package ai.geniusrise.state.dynamodb;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateException;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.testkit.dynamodb.DynamoDBExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DynamoDB specifics: the item layout, table creation, TTL, limits, and configuration mistakes. */
@Timeout(60)
class DynamoDBStateManagerTest {

    @RegisterExtension
    static final DynamoDBExtension DYNAMODB = new DynamoDBExtension();

    private static StateManager open(String... extra) {
        return StateManager.open(new StateConfig("dynamodb", DYNAMODB.properties(extra)));
    }

    private static DynamoDbClient raw() {
        return DynamoDbClient.builder().endpointOverride(URI.create(DYNAMODB.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static String table() {
        return "test-" + UUID.randomUUID();
    }

    @Test
    void createsTheTableWithTheKeyAsPartitionKeyAndStoresVersionAndExpiryAttributes() {
        String table = table();
        try (StateManager state = open("table", table, "createTable", "true"); DynamoDbClient raw = raw()) {
            long v = state.put("job/1", new byte[] {7}, Duration.ofMinutes(5));
            Map<String, AttributeValue> item = raw.getItem(r -> r.tableName(table)
                    .key(Map.of("k", AttributeValue.fromS("job/1")))).item();
            assertThat(item.get("v").b().asByteArray()).containsExactly(7);
            assertThat(item.get("ver").n()).isEqualTo(Long.toString(v));
            long ttlSeconds = Long.parseLong(item.get("ttl").n());
            long nowSeconds = System.currentTimeMillis() / 1000;
            assertThat(ttlSeconds).isBetween(nowSeconds + 290, nowSeconds + 301);
            assertThat(raw.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription().timeToLiveStatus())
                    .isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
            state.put("job/1", new byte[] {8});
            Map<String, AttributeValue> forever = raw.getItem(r -> r.tableName(table)
                    .key(Map.of("k", AttributeValue.fromS("job/1")))).item();
            assertThat(forever).doesNotContainKeys("ttl", "expms");
        }
    }

    @Test
    void anExpiredItemDynamoDBHasNotYetDeletedIsNotSeen() {
        String table = table();
        try (StateManager state = open("table", table, "createTable", "true"); DynamoDbClient raw = raw()) {
            state.putString("k", "v");
            long past = System.currentTimeMillis() - 1000;
            raw.updateItem(r -> r.tableName(table).key(Map.of("k", AttributeValue.fromS("k")))
                    .updateExpression("SET expms = :e, #t = :t").expressionAttributeNames(Map.of("#t", "ttl"))
                    .expressionAttributeValues(Map.of(":e", AttributeValue.fromN(Long.toString(past)),
                            ":t", AttributeValue.fromN(Long.toString(past / 1000)))));
            assertThat(raw.getItem(r -> r.tableName(table).key(Map.of("k", AttributeValue.fromS("k")))).item())
                    .as("still in the table").isNotEmpty();
            assertThat(state.get("k")).isEmpty();
            assertThat(state.keys("")).isEmpty();
            assertThat(state.delete("k")).isFalse();
        }
    }

    @Test
    void withoutCreateTableAMissingTableIsAnErrorSayingHowToCreateIt() {
        try (StateManager state = open("table", table())) {
            assertThatThrownBy(() -> state.get("k")).isInstanceOf(StateException.class)
                    .hasMessageContaining("does not exist").hasMessageContaining("createTable: true");
        }
    }

    @Test
    void aValueOverTheItemSizeLimitFailsAndStoresNothing() {
        try (StateManager state = open("table", table(), "createTable", "true")) {
            byte[] tooBig = new byte[400 * 1024 + 1];
            assertThatThrownBy(() -> state.put("big", tooBig)).isInstanceOf(StateException.class)
                    .hasMessageContaining("put 'big'").hasMessageContaining("dynamodb://127.0.0.1:");
            assertThat(state.get("big")).isEmpty();
        }
    }

    @Test
    void aManagerOpenedWhileTheEndpointIsDownFailsNamingTheStoreAndOperation() {
        try (StateManager state = StateManager.open(new StateConfig("dynamodb", Map.of(
                "endpoint", "http://127.0.0.1:" + freePort(), "table", "t-down", "timeout", "300ms",
                "maxAttempts", "2", "initialBackoff", "10ms", "maxBackoff", "20ms")))) {
            assertThatThrownBy(() -> state.put("x", "v".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining("dynamodb://127.0.0.1:").hasMessageContaining("/t-down")
                    .hasMessageContaining("put 'x'").hasMessageContaining("after 2 attempts");
        }
    }

    @Test
    void isFoundByTypeThroughServiceLoader() {
        try (StateManager state = open()) {
            assertThat(state).isInstanceOf(DynamoDBStateManager.class);
        }
    }

    @Test
    void rejectsUnknownPropertiesAndMalformedValues() {
        assertThatThrownBy(() -> open("tableName", "x")).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("stateConfig.tableName"));
        assertThatThrownBy(() -> open("table", "a b")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stateConfig.table");
        assertThatThrownBy(() -> open("endpoint", "localhost:8000")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stateConfig.endpoint").hasMessageContaining("http://localhost:8000");
        assertThatThrownBy(() -> open("region", "Europe")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stateConfig.region");
        assertThatThrownBy(() -> open("createTable", "1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("true or false");
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
