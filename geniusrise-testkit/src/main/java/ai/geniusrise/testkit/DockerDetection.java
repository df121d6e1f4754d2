package ai.geniusrise.testkit;

import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine answers, asked through Testcontainers. Loaded only after
 * {@link ServerSource#testcontainersPresent()} said yes, so the optional dependency may be missing.
 */
final class DockerDetection {

    private DockerDetection() {
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }
}
