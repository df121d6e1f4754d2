package ai.geniusrise.io.http;

import ai.geniusrise.core.AcknowledgingEmitter;
import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.Spout;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A streaming spout that listens for HTTP POSTs and writes each request body as one record to the
 * task's streaming output. Its {@code inputConfig.source} is the address to listen on,
 * {@code http://0.0.0.0:8080/events}; its {@code inputConfig.properties} may set {@code token} (clients
 * must send {@code Authorization: Bearer <token>}), {@code maxBytes} (largest body accepted, default
 * 1 MiB) and {@code queueCapacity} (requests waiting for the output, default 10000).
 *
 * <p>Answers: {@code 200} once the record is acknowledged by the output (never before), {@code 401}
 * without the token, {@code 404} on another path, {@code 405} for a method other than POST,
 * {@code 413} for a body over {@code maxBytes}, {@code 503} with {@code Retry-After: 1} when the
 * output lags so far that the queue is full or the record was not acknowledged within 30 s, or
 * when the task is stopping. Request headers {@code Content-Type} and {@code X-Record-Key} become
 * the record's {@code content-type} header and key.
 *
 * <p>Threads: requests are read by a small pool of the HTTP server; the spout's thread emits them
 * in batches and acknowledges them together. On stop, it stops accepting, writes what was queued,
 * waits for its acknowledgement and returns.
 *
 * <p><b>Extending.</b> Used without {@code class:} for a streaming source {@code http://...}, or
 * extended: override {@link #toRecord(byte[], Headers)} to shape records from the body and the
 * request headers; the listening, the answers, backpressure and shutdown stay as described.
 */
public class HttpListenerSpout extends Spout {

    static final Setting<String> TOKEN = Setting.string("token",
            "A client must send Authorization: Bearer <token>; write it as ${VARIABLE}.")
            .withDefaultDescribed("none: any client");
    static final Setting<Long> MAX_BYTES = Setting.size("maxBytes", 1, Integer.MAX_VALUE - 16,
            "Largest body accepted; a larger one is answered 413.").withDefault(1L << 20).withDefaultDescribed("1MiB");
    static final Setting<Integer> QUEUE_CAPACITY = Setting.integer("queueCapacity", 1, 10_000_000,
            "Bodies received but not yet written; when full, POSTs are answered 503 with Retry-After.")
            .withDefault(10_000);

    /** The {@code properties} of its streaming input. */
    public static final SettingsDef SETTINGS = SettingsDef.of("the properties of the HTTP listener spout", TOKEN,
            MAX_BYTES, QUEUE_CAPACITY);


    private static final int BATCH = 500;
    private static final long ACK_TIMEOUT_SECONDS = 30;

    private record Pending(Record record, CompletableFuture<Void> done) {
    }

    private volatile HttpServer server;
    private ExecutorService pool;
    private BlockingQueue<Pending> queue;
    private String path;
    private String token;
    private long maxBytes;
    private volatile boolean accepting;

    /** For the runtime. */
    public HttpListenerSpout() {
    }

    @Override
    public void open(TaskContext context) throws Exception {
        String source = context.input().source();
        URI uri;
        try {
            uri = URI.create(source);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config.inputConfig.source", "expected an address to listen on such as "
                    + "http://0.0.0.0:8080/events, got '" + source + "'");
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
            throw new ConfigException("config.inputConfig.source", "expected an address to listen on such as "
                    + "http://0.0.0.0:8080/events (scheme http, a host and a port), got '" + source + "'");
        }
        Settings options = SETTINGS.parse(context.input().options(), "config.inputConfig.properties.");
        token = options.get(TOKEN);
        maxBytes = options.get(MAX_BYTES);
        queue = new ArrayBlockingQueue<>(options.get(QUEUE_CAPACITY));
        path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        try {
            server = HttpServer.create(new InetSocketAddress(uri.getHost(), uri.getPort()), 128);
        } catch (IOException e) {
            throw new ConfigException("config.inputConfig.source", "cannot listen on " + uri.getHost() + ":"
                    + uri.getPort() + ": " + e.getMessage(), e);
        }
        pool = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "http-listener-" + context.taskName());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        accepting = true;
        server.start();
        context.logger().info("task '{}': listening for POSTs on http://{}:{}{}", context.taskName(), uri.getHost(),
                server.getAddress().getPort(), path);
    }

    /** The port listened on (useful when the source says port 0), or -1 before {@link #open}. */
    public int port() {
        HttpServer s = server;
        return s == null ? -1 : s.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestURI().getPath().equals(path)) {
                reply(ex, 404, "no such path; POST to " + path);
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().add("Allow", "POST");
                reply(ex, 405, "use POST");
                return;
            }
            if (token != null && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                reply(ex, 401, "missing or wrong bearer token");
                return;
            }
            byte[] body = readLimited(ex.getRequestBody());
            if (body == null) {
                reply(ex, 413, "body over " + maxBytes + " bytes");
                return;
            }
            Record record = toRecord(body, ex.getRequestHeaders());
            Pending pending = new Pending(record, new CompletableFuture<>());
            if (!accepting || !queue.offer(pending)) {
                busy(ex);
                return;
            }
            try {
                pending.done().get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                reply(ex, 200, "stored");
            } catch (TimeoutException e) {
                busy(ex);
            } catch (ExecutionException e) {
                reply(ex, 503, "not stored: " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                busy(ex);
            }
        }
    }

    /**
     * The record for one request body; called on the HTTP server's threads, so it must be
     * thread-safe. Override to shape records (another key, more headers). The default takes the
     * body as the value, the current time as the timestamp, {@code X-Record-Key} as the key and
     * {@code Content-Type} as the header {@code content-type}.
     */
    protected Record toRecord(byte[] body, Headers requestHeaders) {
        Record record = Record.of(body).withTimestamp(System.currentTimeMillis());
        String key = requestHeaders.getFirst("X-Record-Key");
        if (key != null) {
            record = record.withKey(key);
        }
        String type = requestHeaders.getFirst("Content-Type");
        if (type != null) {
            record = record.withHeader("content-type", type);
        }
        return record;
    }

    private byte[] readLimited(InputStream in) throws IOException {
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        return body.length > maxBytes ? null : body;
    }

    private static void busy(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Retry-After", "1");
        reply(ex, 503, "busy; retry later");
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    protected void produce(Emitter out) throws Exception {
        if (!(out instanceof AcknowledgingEmitter acks)) {
            throw new ConfigException("config.outputConfig.type", "the HTTP listener answers 200 only once a record "
                    + "is stored, so it needs a streaming output (type: streaming)");
        }
        List<Pending> batch = new ArrayList<>(BATCH);
        while (!context().stopRequested()) {
            Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch, acks);
            }
        }
        accepting = false;
        server.stop(0);
        queue.drainTo(batch);
        write(batch, acks);
    }

    private static void write(List<Pending> batch, AcknowledgingEmitter out) {
        try {
            for (Pending p : batch) {
                out.emit(p.record());
            }
            out.awaitAcknowledged();
        } catch (RuntimeException e) {
            batch.forEach(p -> p.done().completeExceptionally(e));
            throw e;
        }
        batch.forEach(p -> p.done().complete(null));
        batch.clear();
    }

    @Override
    public void close() {
        accepting = false;
        if (server != null) {
            server.stop(0);
        }
        if (pool != null) {
            pool.shutdownNow();
        }
        if (queue != null) {
            List<Pending> left = new ArrayList<>();
            queue.drainTo(left);
            left.forEach(p -> p.done().completeExceptionally(new IllegalStateException("the task stopped")));
        }
    }
}
