package ai.geniusrise.io.tcp;

import ai.geniusrise.core.AcknowledgingEmitter;
import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.Spout;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;
import io.micrometer.core.instrument.Gauge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A streaming spout that listens on a TCP port and writes each line it receives as one record to
 * the task's streaming output. Its {@code inputConfig.source} is the address to listen on,
 * {@code tcp://0.0.0.0:9000}; its {@code inputConfig.properties} may set {@code maxLineBytes}
 * (longest line, default 1 MiB), {@code maxConnections} (connections read at once, default 64;
 * more wait in the listen backlog until one closes), {@code queueCapacity} (lines read but not
 * yet written, default 10000) and {@code drainTimeoutSeconds} (how long a stop may spend reading
 * what the clients still send, default 10).
 *
 * <p><b>Lines.</b> A line ends at {@code \n}; a {@code \r} before it is dropped, empty lines are
 * ignored, and the last line of a connection the client closes counts even without its
 * {@code \n}. The line's bytes are the record's value (no key), stamped with the time it was read
 * and the header {@code remote} ({@code host:port} of the client). A line over
 * {@code maxLineBytes} is read to its end and handed to the task's error policy
 * ({@code errors:}) with its first {@code maxLineBytes} bytes: {@code fail} stops the task,
 * {@code skip} counts it, {@code dead-letter} writes it to the dead letters. The connection goes
 * on either way.
 *
 * <p><b>Order and backpressure.</b> Each connection is read by a thread of its own into one
 * queue that the spout's thread writes to the output, so the lines of one connection reach the
 * output in the order they were sent. When the output blocks (Kafka's producer buffer full), the
 * queue fills, the connection threads stop reading, and TCP's flow control slows the clients.
 *
 * <p><b>Delivery.</b> TCP carries no acknowledgement a client could wait for, so the guarantee is:
 * every line read before a clean stop is produced. On stop the spout accepts the connections
 * already waiting in the listen backlog and then no more, reads each connection until the client
 * closes it or no byte has arrived for half a second, closes it (a line still unfinished then is
 * dropped), writes every line read, and returns; the runtime then flushes the output. So the lines
 * of a client that finished sending before the stop are all produced. The stop is bounded by
 * {@code drainTimeoutSeconds}: connections not read to their end by then (the client still sends,
 * or the output is too slow to take what was received) are cut, and the log says how many and how
 * many bytes already received were dropped. A client that must know its lines are stored
 * should use the HTTP listener, which answers only after the acknowledgement.
 *
 * <p><b>Progress.</b> The spout waits for the output's acknowledgement of what it wrote whenever
 * its queue runs empty and at least once a second, which is when the task's record counts (the
 * progress line, {@code --until-idle}, {@code /metrics}) move.
 *
 * <p><b>Extending.</b> Override {@link #toRecord(byte[], String)} to shape records (a key, more
 * headers); it runs on the connection's thread.
 *
 * <p>Metric: {@code geniusrise.tcp.connections}, the connections open now.
 */
public class TcpListenerSpout extends Spout {

    /** Default longest line: 1 MiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;
    /** Default number of connections read at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Default number of lines read and not yet written. */
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    /** Default longest time a stop spends reading what clients still send: 10 s. */
    public static final int DEFAULT_DRAIN_TIMEOUT_SECONDS = 10;

    static final Setting<Long> MAX_LINE_BYTES = Setting.size("maxLineBytes", 1, Integer.MAX_VALUE - 8,
                    "A longer line is read to its end and handed to the task's `errors` policy with its first "
                            + "`maxLineBytes` bytes: `fail` stops the task, `skip` counts it, `dead-letter` sends it "
                            + "to `<topic>.dlq` (or `deadLetter`). The connection goes on.")
            .withDefault((long) DEFAULT_MAX_LINE_BYTES).withDefaultDescribed("1MiB");
    static final Setting<Integer> MAX_CONNECTIONS = Setting.integer("maxConnections", 1, Integer.MAX_VALUE - 8,
            "Connections read at once; more wait in the listen backlog until one closes.").withDefault(DEFAULT_MAX_CONNECTIONS);
    static final Setting<Integer> QUEUE_CAPACITY = Setting.integer("queueCapacity", 1, Integer.MAX_VALUE - 8,
            "Lines read but not yet written. When it is full (Kafka is slower than the clients) the connections "
                    + "stop being read and TCP slows the clients down.")
            .withDefault(DEFAULT_QUEUE_CAPACITY);
    static final Setting<Integer> DRAIN_TIMEOUT_SECONDS = Setting.integer("drainTimeoutSeconds", 1, 3600,
            "The longest a stop spends reading what the clients still send; keep it below the shutdown timeout "
                    + "(`--shutdown-timeout`, Kubernetes' `terminationGracePeriodSeconds`).")
            .withDefault(DEFAULT_DRAIN_TIMEOUT_SECONDS);

    /** The {@code properties} of its streaming input. */
    public static final SettingsDef SETTINGS = SettingsDef.of("the properties of the TCP listener spout",
            MAX_LINE_BYTES, MAX_CONNECTIONS, QUEUE_CAPACITY, DRAIN_TIMEOUT_SECONDS);

    private static final int BATCH = 500;
    /** How often an idle connection thread (and the acceptor) checks whether the spout is stopping. */
    private static final int IDLE_CHECK_MILLIS = 200;
    /** Once stopping, a connection on which no byte has arrived for this long is done. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** While lines keep coming, how often the spout waits for their acknowledgement (and the counts move). */
    private static final long ACKNOWLEDGE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A line read, or (when {@code tooLong} is set) the first bytes of a line over the limit. */
    private record Line(Record record, String tooLong) {
    }

    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    /** The acceptor and the connection threads still running: the spout returns once none is. */
    private final AtomicInteger active = new AtomicInteger();
    /** Connections still sending at the drain deadline, and the bytes received but not written. */
    private final AtomicInteger cut = new AtomicInteger();
    private final AtomicLong droppedBytes = new AtomicLong();
    private final AtomicLong connectionNumber = new AtomicLong();
    private volatile ServerSocket server;
    private volatile boolean stopping;
    private volatile long drainDeadline;
    private ExecutorService pool;
    private Thread acceptor;
    private BlockingQueue<Line> queue;
    private Semaphore slots;
    private int maxLineBytes;
    private long drainNanos;
    private String address;

    /** For the runtime. */
    public TcpListenerSpout() {
    }

    /**
     * Binds the listening socket (so a port in use is a config error at start) and starts
     * accepting connections.
     *
     * @throws ConfigException if the source is not a {@code tcp://host:port} address, a property is
     *                         out of range, or the address cannot be listened on
     */
    @Override
    public void open(TaskContext context) throws Exception {
        String source = context.input().source();
        URI uri;
        try {
            uri = URI.create(source.trim());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !"tcp".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0
                || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
            throw new ConfigException("config.inputConfig.source", "expected an address to listen on such as "
                    + "tcp://0.0.0.0:9000 (scheme tcp, a host and a port, no path), got '" + source + "'");
        }
        Settings options = SETTINGS.parse(context.input().options(), "config.inputConfig.properties.");
        maxLineBytes = Math.toIntExact(options.get(MAX_LINE_BYTES));
        int maxConnections = options.get(MAX_CONNECTIONS);
        queue = new ArrayBlockingQueue<>(options.get(QUEUE_CAPACITY));
        drainNanos = TimeUnit.SECONDS.toNanos(options.get(DRAIN_TIMEOUT_SECONDS));
        slots = new Semaphore(maxConnections);
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.setSoTimeout(IDLE_CHECK_MILLIS);
            socket.bind(new InetSocketAddress(uri.getHost(), uri.getPort()), Math.max(50, maxConnections));
        } catch (IOException e) {
            socket.close();
            throw new ConfigException("config.inputConfig.source", "cannot listen on " + uri.getHost() + ":"
                    + uri.getPort() + ": " + e.getMessage(), e);
        }
        server = socket;
        address = "tcp://" + uri.getHost() + ":" + socket.getLocalPort();
        Gauge.builder("geniusrise.tcp.connections", connections, Set::size)
                .description("TCP connections open now").register(context.metrics());
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tcp-listener-" + context.taskName() + "-connection");
            t.setDaemon(true);
            return t;
        });
        acceptor = new Thread(this::acceptLoop, "tcp-listener-" + context.taskName());
        acceptor.setDaemon(true);
        active.incrementAndGet();
        acceptor.start();
        context.logger().info("task '{}': listening for lines on {}", context.taskName(), address);
    }

    /** The port listened on (useful when the source says port 0), or -1 before {@link #open}. */
    public int port() {
        ServerSocket s = server;
        return s == null ? -1 : s.getLocalPort();
    }

    /**
     * The record for one line, without its line end; called on the connection's thread. Override
     * to set a key or headers. The default gives the bytes as the value, the current time as the
     * timestamp and the header {@code remote}.
     *
     * @param remote the client's {@code host:port}
     */
    protected Record toRecord(byte[] line, String remote) {
        return Record.of(line).withTimestamp(System.currentTimeMillis()).withHeader("remote", remote);
    }

    /**
     * Accepts connections, one per free slot, until stopping; then accepts those already waiting in
     * the listen backlog (their clients may have sent everything already) and closes the socket.
     */
    private void acceptLoop() {
        try {
            while (takeSlot()) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (SocketTimeoutException idle) {
                    slots.release();
                    if (stopping) {
                        return; // the backlog is empty
                    }
                    continue;
                } catch (IOException e) {
                    slots.release();
                    if (stopping) {
                        return;
                    }
                    // out of file descriptors, or a connection reset before it was accepted: go on
                    context().logger().warn("task '{}': accepting on {} failed: {}", context().taskName(), address,
                            e.toString());
                    Thread.sleep(100);
                    continue;
                }
                connections.add(socket);
                active.incrementAndGet();
                pool.execute(() -> {
                    try {
                        read(socket);
                    } finally {
                        connections.remove(socket);
                        closeQuietly(socket);
                        active.decrementAndGet();
                        slots.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            closeQuietly(server);
            active.decrementAndGet();
        }
    }

    /** Waits for a free connection slot; false once stopping and past the drain deadline. */
    private boolean takeSlot() throws InterruptedException {
        while (!slots.tryAcquire(IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
            if (stopping && pastDrainDeadline()) {
                return false;
            }
        }
        if (stopping && pastDrainDeadline()) {
            slots.release();
            return false;
        }
        return true;
    }

    private boolean pastDrainDeadline() {
        return System.nanoTime() - drainDeadline > 0;
    }

    /**
     * Reads the lines of one connection into the queue until the client closes it, or, once the
     * spout is stopping, until no byte has arrived for {@link #QUIET_NANOS} or the drain deadline
     * has passed (the connection is then cut, and what it had received is counted as dropped).
     */
    private void read(Socket socket) {
        String remote = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        LineBuffer line = new LineBuffer(remote, remote + "#" + connectionNumber.incrementAndGet());
        byte[] chunk = new byte[64 << 10];
        try (InputStream in = socket.getInputStream()) {
            socket.setSoTimeout(IDLE_CHECK_MILLIS);
            long lastByte = System.nanoTime();
            while (true) {
                if (stopping && pastDrainDeadline()) {
                    cutAtDeadline(line.size() + in.available());
                    return;
                }
                int n;
                try {
                    n = in.read(chunk);
                } catch (SocketTimeoutException idle) {
                    if (stopping && System.nanoTime() - lastByte >= QUIET_NANOS) {
                        droppedBytes.addAndGet(line.size()); // a line the client did not finish
                        return;
                    }
                    continue;
                }
                if (n < 0) {
                    if (!line.end()) { // the client closed: its last line counts without its line break
                        cutAtDeadline(0);
                    }
                    return;
                }
                lastByte = System.nanoTime();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == '\n') {
                        line.append(chunk, start, i - start);
                        if (!line.end()) {
                            cutAtDeadline(n - i - 1 + in.available());
                            return;
                        }
                        start = i + 1;
                    }
                }
                line.append(chunk, start, n - start);
            }
        } catch (SocketException e) {
            if (!stopping) {
                context().logger().warn("task '{}': connection from {} failed: {}", context().taskName(), remote,
                        e.getMessage());
            }
        } catch (IOException e) {
            context().logger().warn("task '{}': reading from {} failed: {}", context().taskName(), remote,
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            context().logger().warn("task '{}': closing the connection from {}: {}", context().taskName(), remote,
                    e.toString());
        }
    }

    /** Counts a connection cut at the drain deadline and the {@code bytes} it had received but not queued. */
    private void cutAtDeadline(long bytes) {
        cut.incrementAndGet();
        droppedBytes.addAndGet(bytes);
    }

    /**
     * The line being read from one connection: keeps up to {@code maxLineBytes + 1} bytes (room for
     * a {@code \r} before the break) and remembers whether more were dropped.
     */
    private final class LineBuffer {
        private final String remote;
        private final String object;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private boolean overflow;
        private long number;

        LineBuffer(String remote, String object) {
            this.remote = remote;
            this.object = object;
        }

        void append(byte[] chunk, int offset, int length) {
            int room = maxLineBytes + 1 - bytes.size();
            if (length > room) {
                overflow = true;
                length = Math.max(room, 0);
            }
            bytes.write(chunk, offset, length);
        }

        /** Bytes of the line read so far. */
        int size() {
            return bytes.size();
        }

        /**
         * Queues the line read so far (blocking while the queue is full), unless it is empty; false
         * when the queue stayed full until the drain deadline (the line's bytes are counted dropped).
         */
        boolean end() throws InterruptedException {
            byte[] b = bytes.toByteArray();
            int end = !overflow && b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
            boolean tooLong = overflow || end > maxLineBytes;
            bytes.reset();
            overflow = false;
            number++;
            if (end == 0) {
                return true;
            }
            byte[] value = tooLong || end < b.length ? Arrays.copyOf(b, Math.min(end, maxLineBytes)) : b;
            Record record = toRecord(value, remote).withPosition(Position.inObject(address, object, number));
            Line queued = new Line(record, tooLong ? "the line is longer than maxLineBytes (" + maxLineBytes + ")"
                    : null);
            while (!queue.offer(queued, IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                if (stopping && pastDrainDeadline()) {
                    droppedBytes.addAndGet(b.length);
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Writes the lines read to the output until stopped; then stops accepting, closes the
     * connections and writes every line they had read before returning.
     */
    @Override
    protected void produce(Emitter out) throws Exception {
        List<Line> batch = new ArrayList<>(BATCH);
        long lastAcknowledged = System.nanoTime();
        while (!context().stopRequested()) {
            Line first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch, out);
                if (queue.isEmpty() || System.nanoTime() - lastAcknowledged >= ACKNOWLEDGE_NANOS) {
                    awaitAcknowledged(out);
                    lastAcknowledged = System.nanoTime();
                }
            }
        }
        stopListening();
        // the acceptor and the connection threads end once they have queued what they read; keep writing until then
        while (active.get() > 0 || !queue.isEmpty()) {
            Line next = queue.poll(20, TimeUnit.MILLISECONDS);
            if (next != null) {
                batch.add(next);
                queue.drainTo(batch, BATCH - 1);
                write(batch, out);
            }
        }
        awaitAcknowledged(out);
        if (cut.get() > 0) {
            context().logger().warn("task '{}': stopped listening on {}; {} connection(s) not read to their end by the "
                    + "drain deadline (drainTimeoutSeconds: {}) were cut, {} bytes received and not written were dropped",
                    context().taskName(), address, cut.get(), TimeUnit.NANOSECONDS.toSeconds(drainNanos),
                    droppedBytes.get());
        } else {
            context().logger().info("task '{}': stopped listening on {}; every connection was read until its client "
                    + "closed it or went quiet ({} bytes of unfinished lines dropped)", context().taskName(), address,
                    droppedBytes.get());
        }
    }

    /**
     * Waits until the output has acknowledged what was written: the point at which the runtime
     * publishes the task's counts, so progress and {@code --until-idle} see the lines.
     */
    private static void awaitAcknowledged(Emitter out) {
        if (out instanceof AcknowledgingEmitter acks) {
            acks.awaitAcknowledged();
        }
    }

    private void write(List<Line> batch, Emitter out) {
        for (Line line : batch) {
            if (line.tooLong() == null) {
                out.emit(line.record());
            } else {
                out.reject(line.record(), new RecordFormatException(line.tooLong(), line.record().position(),
                        line.record().value(), null));
            }
        }
        batch.clear();
    }

    /**
     * Starts the stop: the acceptor takes what waits in the backlog and closes the listening socket,
     * the connection threads read what their clients still send; all end by the drain deadline.
     */
    private void stopListening() {
        if (!stopping) {
            drainDeadline = System.nanoTime() + drainNanos;
            stopping = true;
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing to stop: nothing more to do
        }
    }

    @Override
    public void close() {
        stopListening();
        if (acceptor != null) {
            acceptor.interrupt();
        }
        ServerSocket s = server;
        if (s != null) {
            closeQuietly(s);
        }
        for (Socket socket : connections) {
            closeQuietly(socket);
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
