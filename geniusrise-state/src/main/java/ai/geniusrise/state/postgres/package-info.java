/** The {@code postgres} state manager: {@link ai.geniusrise.state.postgres.PostgresStateManager}. */
package ai.geniusrise.state.postgres;
