package ai.geniusrise.testkit;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServerSourceTest {

    @Test
    void anExistingServerNamedByTheEnvironmentWinsOverEverythingElse() {
        assertThat(ServerSource.choose("Redis", "URL", Map.of("URL", "redis://db:6379", ServerSource.CONTAINERS_ENV, "true"),
                null)).isEqualTo(ServerSource.EXISTING);
    }

    @Test
    void withoutAnExistingServerOrAskingForContainersTheServerIsEmbedded() {
        assertThat(ServerSource.choose("Redis", "URL", Map.of("URL", " "), null)).isEqualTo(ServerSource.EMBEDDED);
        assertThat(ServerSource.choose("Redis", "URL", Map.of(ServerSource.CONTAINERS_ENV, "no"), null))
                .isEqualTo(ServerSource.EMBEDDED);
    }

    @Test
    void containersAskedForWhereNoDockerEngineAnswersFallBackToTheEmbeddedServer() {
        // no Docker engine runs where this build runs (see RUNS-HERE.md); with one, this is CONTAINER
        ServerSource chosen = ServerSource.choose("Redis", "URL", Map.of(ServerSource.CONTAINERS_ENV, "true"), null);
        assertThat(chosen).isEqualTo(DockerDetection.dockerAvailable() ? ServerSource.CONTAINER : ServerSource.EMBEDDED);
    }

    @Test
    void theSystemPropertyOverridesTheEnvironmentVariable() {
        assertThat(ServerSource.choose("Redis", "URL", Map.of(ServerSource.CONTAINERS_ENV, "true"), "false"))
                .isEqualTo(ServerSource.EMBEDDED);
    }
}
