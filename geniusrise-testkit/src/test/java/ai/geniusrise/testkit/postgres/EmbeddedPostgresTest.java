package ai.geniusrise.testkit.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedPostgresTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.embedded();

    @Test
    void committedRowsSurviveAStopAndStartOfTheServer() throws SQLException {
        try (Connection c = DriverManager.getConnection(POSTGRES.url(), POSTGRES.user(), POSTGRES.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text)");
            s.execute("INSERT INTO kept VALUES ('before the restart')");
        }
        POSTGRES.stop();
        assertThat(POSTGRES.server().isRunning()).isFalse();
        POSTGRES.start();
        try (Connection c = DriverManager.getConnection(POSTGRES.url(), POSTGRES.user(), POSTGRES.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("before the restart");
        }
    }

    @Test
    void statePropertiesAreTheBackendsToWrite() {
        // the postgres backend writes its own keys; without geniusrise-state on the classpath there is none
        assertThatThrownBy(() -> POSTGRES.properties("table", "t")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("geniusrise-state");
    }
}
