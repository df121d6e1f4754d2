package ai.geniusrise.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Internal support, not part of the test kit's API: the base of the test kit's embedded servers
 * ({@code EmbeddedRedis}, {@code EmbeddedPostgres}, {@code EmbeddedDynamoDB}, {@code EmbeddedKafka}). It holds the port the
 * server listens on and the temporary folder it deletes on {@link #close()}; subclasses start and
 * stop the server itself.
 */
public abstract class EmbeddedServer implements AutoCloseable {

    private final int port;

    /**
     * A server on this port.
     *
     * @param port the port to listen on, or 0 or less for a free one
     */
    protected EmbeddedServer(int port) {
        this.port = port > 0 ? port : freePort();
    }

    /**
     * Starts the server and waits until it serves; does nothing if it runs.
     *
     * @return this
     */
    public abstract EmbeddedServer start();

    /** Stops the server; {@link #start()} brings it back on the same port. */
    public abstract void stop();

    /** True between {@link #start()} and {@link #stop()}. */
    public abstract boolean isRunning();

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** The folder {@link #close()} deletes with all it holds, or null when the server keeps its files. */
    protected abstract Path temporaryFolder();

    /**
     * Stops the server and deletes its data if the folder was a temporary one.
     *
     * @throws UncheckedIOException if the temporary folder cannot be deleted
     */
    @Override
    public void close() {
        stop();
        Path dir = temporaryFolder();
        if (dir != null && Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + dir, e);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
