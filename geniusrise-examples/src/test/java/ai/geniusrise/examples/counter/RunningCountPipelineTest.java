package ai.geniusrise.examples.counter;

import ai.geniusrise.cli.GeniusriseCommand;
import ai.geniusrise.testkit.dynamodb.DynamoDBExtension;
import ai.geniusrise.testkit.postgres.PostgresExtension;
import ai.geniusrise.testkit.redis.RedisExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the running-count pipeline files through the geniusrise command against real servers, as a
 * user would: each test writes a copy of the file whose endpoint default is the test's server (and
 * whose key prefix or table is its own), runs it twice, and reads the counts back with the store's
 * own client.
 */
class RunningCountPipelineTest {

    /** The state key of a user's count in the store: namespace {@code <pipeline>/<task>/}, then the bolt's key. */
    private static final String STATE_KEY = "running-count/running-count/count/";

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension
    static final DynamoDBExtension DYNAMODB = new DynamoDBExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void inLocalModeMemoryStateIsKeptBesideThePipelineSoCountsCarryOverUntilThatFolderIsDeleted() throws IOException {
        Path pipeline = copy("memory", Map.of());
        Map<String, Long> clicks = clicksPerUser();

        run(pipeline);
        assertThat(runningTotals("memory")).as("the first run's output").isEqualTo(expected(clicks, Map.of()));
        run(pipeline);
        assertThat(runningTotals("memory")).as("the second run's output").isEqualTo(expected(clicks, clicks));

        Path state = pipeline.resolveSibling(".geniusrise").resolve("state");
        assertThat(state).isDirectory();
        try (Stream<Path> files = Files.walk(state)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        run(pipeline);
        assertThat(runningTotals("memory")).as("a run after the state was deleted").isEqualTo(expected(clicks, Map.of()));
    }

    @Test
    void inRedisTheCountsCarryOverFromRunToRunAndAreHashesARedisClientReads() throws IOException {
        String prefix = "test-" + UUID.randomUUID() + ":";
        Path pipeline = copy("redis", Map.of("redis://localhost:6379/0", REDIS.url(), "\"geniusrise:\"", "\"" + prefix + "\""));
        Map<String, Long> clicks = clicksPerUser();

        run(pipeline);
        assertThat(runningTotals("redis")).isEqualTo(expected(clicks, Map.of()));
        run(pipeline);
        assertThat(runningTotals("redis")).isEqualTo(expected(clicks, clicks));

        try (RedisClient redis = RedisClient.builder().fromURI(REDIS.url()).build()) {
            assertStored(clicks, user -> redis.hget(prefix + STATE_KEY + user, "v"));
        }
    }

    @Test
    void inPostgresTheCountsCarryOverFromRunToRunAndAreRowsOfTheStateTable() throws IOException, SQLException {
        String table = "running_count_" + UUID.randomUUID().toString().replace("-", "");
        Path pipeline = copy("postgres", Map.of("jdbc:postgresql://localhost:5432/postgres", POSTGRES.url(),
                "RUNNING_COUNT_POSTGRES_USER:-postgres", "RUNNING_COUNT_POSTGRES_USER:-" + POSTGRES.user(),
                "table: geniusrise_state", "table: " + table));
        Map<String, Long> clicks = clicksPerUser();

        run(pipeline);
        run(pipeline);
        assertThat(runningTotals("postgres")).isEqualTo(expected(clicks, clicks));

        try (Connection c = DriverManager.getConnection(POSTGRES.url(), POSTGRES.user(), POSTGRES.password());
             PreparedStatement select = c.prepareStatement(
                     "SELECT convert_from(value, 'UTF8') FROM " + table + " WHERE key = ?")) {
            Map<String, String> stored = new HashMap<>();
            for (String user : clicks.keySet()) {
                select.setString(1, STATE_KEY + user);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).as("a row for %s", user).isTrue();
                    stored.put(user, rs.getString(1));
                }
            }
            assertStored(clicks, stored::get);
        }
    }

    @Test
    void inDynamoDBTheCountsCarryOverFromRunToRunAndAreItemsOfTheStateTable() throws IOException {
        String table = "running-count-" + UUID.randomUUID();
        Path pipeline = copy("dynamodb", Map.of("http://localhost:8000", DYNAMODB.endpoint(),
                "table: geniusrise_state", "table: " + table));
        Map<String, Long> clicks = clicksPerUser();

        run(pipeline);
        run(pipeline);
        assertThat(runningTotals("dynamodb")).isEqualTo(expected(clicks, clicks));

        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create(DYNAMODB.endpoint()))
                .region(Region.of(DYNAMODB.region())).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            assertStored(clicks, user -> dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                    .key(Map.of("k", AttributeValue.fromS(STATE_KEY + user)))).item().get("v").b().asUtf8String());
        }
    }

    /** Twice the clicks of each user: the count after two runs. */
    private static void assertStored(Map<String, Long> clicks, Function<String, String> storedCount) {
        for (Map.Entry<String, Long> e : clicks.entrySet()) {
            assertThat(storedCount.apply(e.getKey())).as("count of %s in the store", e.getKey())
                    .isEqualTo(Long.toString(2 * e.getValue()));
        }
    }

    /** Each user's running totals in a run that follows {@code before}: one each of before+1 .. before+clicks. */
    private static Map<String, List<Long>> expected(Map<String, Long> clicks, Map<String, Long> before) {
        Map<String, List<Long>> m = new TreeMap<>();
        clicks.forEach((user, n) -> {
            long from = before.getOrDefault(user, 0L);
            m.put(user, LongStream.rangeClosed(from + 1, from + n).boxed().toList());
        });
        return m;
    }

    /** A copy of the example's file, with {@code replacements} (each must occur), and the sample data beside it. */
    private Path copy(String backend, Map<String, String> replacements) throws IOException {
        Path examples = Path.of("").toAbsolutePath();
        Path copy = dir.resolve("geniusrise-examples");
        if (!Files.exists(copy.resolve("data/clicks"))) {
            Files.createDirectories(copy.resolve("data/clicks"));
            try (Stream<Path> files = Files.list(examples.resolve("data/clicks"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, copy.resolve("data/clicks").resolve(f.getFileName()));
                }
            }
        }
        String name = "running-count-" + backend + ".yaml";
        String yaml = Files.readString(examples.resolve("pipelines").resolve(name));
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            assertThat(yaml).as(name).contains(r.getKey());
            yaml = yaml.replace(r.getKey(), r.getValue());
        }
        return Files.writeString(Files.createDirectories(copy.resolve("pipelines")).resolve(name), yaml);
    }

    private static void run(Path pipeline) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GeniusriseCommand.execute(new String[] {"run", pipeline.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("task 'running-count' done");
    }

    private static Map<String, Long> clicksPerUser() throws IOException {
        Map<String, Long> clicks = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("data/clicks"))) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    clicks.merge(JSON.readTree(line).get("user").asText(), 1L, Long::sum);
                }
            }
        }
        return clicks;
    }

    /** The committed output of the last run: each user's running totals, sorted. */
    private Map<String, List<Long>> runningTotals(String backend) throws IOException {
        Path output = dir.resolve(".geniusrise/output/running-count-" + backend);
        Map<String, List<Long>> totals = new TreeMap<>();
        try (Stream<Path> markers = Files.list(output.resolve("_geniusrise"))) {
            for (Path marker : markers.filter(m -> m.getFileName().toString().startsWith("commit-")).toList()) {
                for (JsonNode part : JSON.readTree(marker.toFile()).get("parts")) {
                    for (String line : Files.readAllLines(output.resolve(part.asText()))) {
                        JsonNode t = JSON.readTree(line);
                        totals.computeIfAbsent(t.get("key").asText(), k -> new ArrayList<>()).add(t.get("count").asLong());
                    }
                }
            }
        }
        totals.values().forEach(l -> l.sort(null));
        return totals;
    }
}
