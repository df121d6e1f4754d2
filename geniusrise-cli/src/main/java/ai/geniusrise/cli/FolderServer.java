package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code geniusrise run --serve DIR}: serves the files of a folder over HTTP on this machine for
 * the duration of a run, at the address the pipeline's tasks fetch from — the local stand-in for
 * a remote HTTP source. It needs no port of its own: it listens on the port of every
 * {@code http://localhost:PORT/...} (or {@code 127.0.0.1}) batch source in the pipeline, and
 * serves {@code DIR/PATH} for {@code GET /PATH}.
 *
 * <p>Read-only and narrow on purpose: {@code GET} and {@code HEAD} only, regular files only (no
 * folder listings), only on the loopback interface, and no path that leaves the folder
 * ({@code ..}, links pointing out) is served.
 */
final class FolderServer implements AutoCloseable {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final List<HttpServer> servers;

    private FolderServer(List<HttpServer> servers) {
        this.servers = servers;
    }

    /**
     * Serves {@code folder} at the local HTTP sources of {@code tasks}, printing where to {@code out}.
     *
     * @throws ConfigException if {@code folder} is not a folder, no task fetches from a local HTTP
     *                         address, or a port is taken
     */
    static FolderServer start(Path folder, List<TaskSpec> tasks, java.io.PrintWriter out) {
        if (!Files.isDirectory(folder)) {
            throw new ConfigException("--serve", folder + " is not a folder");
        }
        Map<Integer, String> ports = new LinkedHashMap<>();
        for (TaskSpec spec : tasks) {
            if (spec.input() instanceof BatchInputConfig in && "http".equals(in.scheme())) {
                URI uri = URI.create(in.source().trim());
                if (uri.getHost() != null && LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
                    ports.putIfAbsent(uri.getPort() < 0 ? 80 : uri.getPort(), spec.name());
                }
            }
        }
        if (ports.isEmpty()) {
            throw new ConfigException("--serve", "no task of the pipeline fetches from http://localhost:PORT/...; "
                    + "--serve serves a folder at the address such a task's inputConfig.source names");
        }
        Path root;
        try {
            root = folder.toRealPath();
        } catch (IOException e) {
            throw new ConfigException("--serve", "cannot read " + folder + ": " + e.getMessage(), e);
        }
        List<HttpServer> servers = new ArrayList<>();
        try {
            for (Map.Entry<Integer, String> port : ports.entrySet()) {
                HttpServer server;
                try {
                    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.getKey()),
                            0);
                } catch (IOException e) {
                    throw new ConfigException("--serve", "cannot listen on localhost:" + port.getKey() + " for task '"
                            + port.getValue() + "': " + e.getMessage() + "; free the port or point the task's source "
                            + "at another one");
                }
                server.createContext("/", exchange -> serve(root, exchange));
                server.start();
                servers.add(server);
                out.println("local mode: serving " + root + " at http://localhost:" + port.getKey() + "/ (for task '"
                        + port.getValue() + "')");
            }
            out.flush();
            return new FolderServer(servers);
        } catch (RuntimeException e) {
            servers.forEach(s -> s.stop(0));
            throw e;
        }
    }

    private static void serve(Path root, HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                reply(exchange, 405, "method not allowed: this server only reads files");
                return;
            }
            Path file = resolve(root, exchange.getRequestURI().getPath());
            if (file == null) {
                reply(exchange, 404, "not found");
                return;
            }
            String type = Files.probeContentType(file);
            exchange.getResponseHeaders().add("Content-Type", type == null ? "application/octet-stream" : type);
            long size = Files.size(file);
            if (method.equals("HEAD")) {
                exchange.getResponseHeaders().add("Content-Length", Long.toString(size));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
            try (InputStream in = Files.newInputStream(file); OutputStream body = exchange.getResponseBody()) {
                in.transferTo(body);
            }
        }
    }

    /** The regular file under {@code root} that {@code path} names, or null (missing, a folder, or outside root). */
    static Path resolve(Path root, String path) {
        if (path == null || path.indexOf('\0') >= 0) {
            return null;
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                return null;
            }
        }
        try {
            Path file = root.resolve(path.replaceFirst("^/+", "")).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                return null;
            }
            return file.toRealPath().startsWith(root) ? file : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /** Stops serving. */
    @Override
    public void close() {
        servers.forEach(s -> s.stop(0));
    }
}
