package ai.geniusrise.testkit;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.Map;

/**
 * One server in a Docker container, started through Testcontainers, for the server extensions when
 * {@link ServerSource#choose} picked {@link ServerSource#CONTAINER}. Needs
 * {@code org.testcontainers:testcontainers} on the classpath (an optional dependency of the test kit).
 * A container cannot be stopped and started again with its data: tests that restart their server
 * ask the extensions for an embedded one.
 */
public final class ContainerServer implements AutoCloseable {

    private final GenericContainer<?> container;
    private final int containerPort;

    private ContainerServer(GenericContainer<?> container, int containerPort) {
        this.container = container;
        this.containerPort = containerPort;
    }

    /**
     * Starts {@code image} exposing {@code port}, with {@code env} and, unless empty,
     * {@code command}; waits until the port listens, or, when {@code readyLog} is not null, until a
     * log line matching that regular expression has appeared {@code readyLogTimes} times.
     */
    public static ContainerServer start(String image, int port, Map<String, String> env, String[] command,
            String readyLog, int readyLogTimes) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image)).withExposedPorts(port)
                .withEnv(env).withStartupTimeout(Duration.ofMinutes(2));
        if (command.length > 0) {
            c.withCommand(command);
        }
        c.waitingFor(readyLog == null ? Wait.forListeningPort() : Wait.forLogMessage(readyLog, readyLogTimes));
        return start(c, port);
    }

    /**
     * Starts {@code container}, configured by the caller (a Testcontainers module's class, such as
     * Kafka's, that sets the server up for its mapped port), whose clients use {@code port}.
     */
    public static ContainerServer start(GenericContainer<?> container, int port) {
        container.start();
        return new ContainerServer(container, port);
    }

    /** The host the container's port is reachable on. */
    public String host() {
        return container.getHost();
    }

    /** The port on {@link #host()} mapped to the container's port. */
    public int port() {
        return container.getMappedPort(containerPort);
    }

    /** Stops and removes the container. */
    @Override
    public void close() {
        container.stop();
    }
}
