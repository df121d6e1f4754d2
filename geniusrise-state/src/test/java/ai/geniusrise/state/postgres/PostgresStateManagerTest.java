package ai.geniusrise.state.postgres;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateException;
import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.testkit.postgres.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PostgreSQL specifics: the table, its creation, and configuration mistakes. */
class PostgresStateManagerTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static PostgresStateManager open(Map<String, String> properties) {
        return PostgresStateManager.open(new StateConfig("postgres", properties), Map.of("PG_PASSWORD", "x")::get);
    }

    private static Connection jdbc() throws SQLException {
        return DriverManager.getConnection(POSTGRES.url(), POSTGRES.user(), POSTGRES.password());
    }

    @Test
    void createsItsTableOnFirstUseWithKeyValueVersionAndExpiry() throws SQLException {
        try (PostgresStateManager state = PostgresStateManager.open(new StateConfig("postgres",
                POSTGRES.properties("schema", "layout", "table", "checkpoints")))) {
            long v = state.put("job/1", new byte[] {1, 2, 3}, Duration.ofMinutes(5));
            try (Connection c = jdbc(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT value, version, expires_at > now() FROM layout.checkpoints "
                         + "WHERE key = 'job/1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBytes(1)).containsExactly(1, 2, 3);
                assertThat(rs.getLong(2)).isEqualTo(v);
                assertThat(rs.getBoolean(3)).isTrue();
            }
            assertThat(state.table()).isEqualTo("\"layout\".\"checkpoints\"");
        }
    }

    @Test
    void twoManagersOnOneTableShareState() {
        try (StateManager a = StateManager.open(new StateConfig("postgres", POSTGRES.properties("table", "shared")));
             StateManager b = StateManager.open(new StateConfig("postgres", POSTGRES.properties("table", "shared")))) {
            long v = a.putString("cursor", "1");
            assertThat(b.compareAndSet("cursor", v, "2".getBytes())).isPresent();
            assertThat(a.getString("cursor")).contains("2");
        }
    }

    @Test
    void withoutCreateTableAMissingTableIsAnErrorNamingTheStoreAndOperation() {
        try (StateManager state = StateManager.open(new StateConfig("postgres", POSTGRES.properties(
                "table", "never_created", "createTable", "false")))) {
            assertThatThrownBy(() -> state.get("k")).isInstanceOf(StateException.class)
                    .hasMessageContaining("postgresql://").hasMessageContaining("get 'k'")
                    .hasMessageContaining("never_created");
        }
    }

    @Test
    void escapesEveryLikeWildcardOfAPrefix() {
        assertThat(PostgresStateManager.escapeLike("a%b_c!d\\e")).isEqualTo("a!%b!_c!!d\\e");
    }

    @Test
    void isFoundByTypeThroughServiceLoader() {
        try (StateManager state = StateManager.open(new StateConfig("postgres", POSTGRES.properties()))) {
            assertThat(state).isInstanceOf(PostgresStateManager.class);
        }
    }

    @Test
    void rejectsTableAndSchemaNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> open(Map.of("url", "jdbc:postgresql://h/db", "table", "state; DROP TABLE x")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("stateConfig.table"))
                .hasMessageContaining("identifier");
        assertThatThrownBy(() -> open(Map.of("url", "jdbc:postgresql://h/db", "schema", "a.b")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("stateConfig.schema"));
    }

    @Test
    void rejectsAMissingOrMalformedUrl() {
        assertThatThrownBy(() -> open(Map.of())).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("stateConfig.url"))
                .hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> open(Map.of("url", "jdbc:mysql://h/db"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stateConfig.url");
    }

    @Test
    void rejectsCredentialsInTheUrlAndInlinePasswords() {
        assertThatThrownBy(() -> open(Map.of("url", "postgresql://u:p@h/db"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("passwordEnv");
        assertThatThrownBy(() -> open(Map.of("url", "jdbc:postgresql://h/db?user=u&password=p")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("passwordEnv");
        assertThatThrownBy(() -> open(Map.of("url", "jdbc:postgresql://h/db", "password", "p")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("stateConfig.password"));
    }

    @Test
    void acceptsPostgresSchemeUrlsAndNamesTheStoreWithoutCredentials() {
        try (PostgresStateManager state = open(Map.of("url", "postgres://db.example:5433/app", "user", "app",
                "passwordEnv", "PG_PASSWORD"))) {
            assertThat(state.store()).isEqualTo("postgresql://db.example:5433/app");
        }
    }

    @Test
    void rejectsUnknownPropertiesAndBadValues() {
        assertThatThrownBy(() -> open(Map.of("url", "jdbc:postgresql://h/db", "tabel", "x")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("stateConfig.tabel"))
                .hasMessageContaining("table");
        assertThatThrownBy(() -> open(Map.of("url", "jdbc:postgresql://h/db", "createTable", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> open(Map.of("url", "jdbc:postgresql://h/db", "poolSize", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stateConfig.poolSize");
    }
}
