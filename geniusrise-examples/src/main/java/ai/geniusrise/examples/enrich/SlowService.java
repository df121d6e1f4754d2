package ai.geniusrise.examples.enrich;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a remote scoring API, on the loopback interface: {@code GET /score?user=u17}
 * answers {@code {"user":"u17","score":<0..99>}} after a fixed delay (5 ms by default), without
 * holding a thread meanwhile (the answer is sent from a timer), so that many calls can wait at once.
 */
public final class SlowService implements AutoCloseable {

    private final HttpServer server;
    private final ScheduledExecutorService timer;

    private SlowService(HttpServer server, ScheduledExecutorService timer) {
        this.server = server;
        this.timer = timer;
    }

    /** Starts the service on a free loopback port, answering each request after {@code delay}. */
    public static SlowService start(Duration delay) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "slow-service");
            t.setDaemon(true);
            return t;
        });
        server.createContext("/score", exchange -> timer.schedule(() -> answer(exchange), delay.toNanos(),
                TimeUnit.NANOSECONDS));
        server.setExecutor(timer);
        server.start();
        return new SlowService(server, timer);
    }

    private static void answer(HttpExchange exchange) {
        try (exchange) {
            String query = exchange.getRequestURI().getQuery();
            String user = query != null && query.startsWith("user=") ? query.substring(5) : "";
            byte[] body = ("{\"user\":\"" + user.replaceAll("[^A-Za-z0-9_-]", "") + "\",\"score\":"
                    + Math.floorMod(user.hashCode(), 100) + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            // the caller went away: nothing to answer
        }
    }

    /** The service's base address, such as {@code http://127.0.0.1:41234}. */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        timer.shutdownNow();
    }
}
