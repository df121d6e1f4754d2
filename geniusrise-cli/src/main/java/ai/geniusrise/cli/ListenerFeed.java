package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code geniusrise run --feed FILE}: posts the lines of a file, one record per request, to the
 * HTTP listener of the pipeline's streaming spout at a steady rate, over and over, until the run
 * stops — the local stand-in for the clients that would post to it. It finds the listener from
 * the spout's {@code inputConfig.source} ({@code http://0.0.0.0:8080/events} is posted to at
 * {@code http://127.0.0.1:8080/events}) and waits until it listens. Requests the listener refuses
 * (503 while it is busy or stopping) are counted, not retried.
 */
final class ListenerFeed implements AutoCloseable {

    private final URI target;
    private final List<String> lines;
    private final long pauseNanos;
    private final PrintWriter out;
    private final AtomicLong posted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopped;

    private ListenerFeed(URI target, List<String> lines, double perSecond, PrintWriter out) {
        this.target = target;
        this.lines = lines;
        this.pauseNanos = (long) (1e9 / perSecond);
        this.out = out;
        this.thread = new Thread(this::loop, "geniusrise-feed");
        this.thread.setDaemon(true);
    }

    /**
     * Starts posting the non-blank lines of {@code file} to the listener of {@code tasks},
     * {@code perSecond} a second.
     *
     * @throws ConfigException if the file cannot be read or holds no line, or the pipeline has no
     *                         spout listening on one http:// address
     */
    static ListenerFeed start(Path file, double perSecond, List<TaskSpec> tasks, PrintWriter out) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new ConfigException("--feed", "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new ConfigException("--feed", file + " holds no line to post");
        }
        List<URI> listeners = new ArrayList<>();
        for (TaskSpec spec : tasks) {
            if (spec.kind() == TaskSpec.Kind.SPOUT && spec.input() instanceof StreamingInputConfig in
                    && in.source().toLowerCase(Locale.ROOT).startsWith("http://")) {
                URI uri = URI.create(in.source().trim());
                String host = uri.getHost() == null || uri.getHost().equals("0.0.0.0") ? "127.0.0.1" : uri.getHost();
                listeners.add(URI.create("http://" + host + ":" + (uri.getPort() < 0 ? 80 : uri.getPort())
                        + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())));
            }
        }
        if (listeners.size() != 1) {
            throw new ConfigException("--feed", listeners.isEmpty()
                    ? "no spout of the pipeline listens on an http:// source; --feed posts to such a listener"
                    : "the pipeline has " + listeners.size() + " HTTP listeners (" + listeners + "); --feed posts to "
                    + "one: run the pipeline with one, or post with curl");
        }
        ListenerFeed feed = new ListenerFeed(listeners.get(0), lines, perSecond, out);
        out.println("local mode: posting the " + lines.size() + " lines of " + file + " to " + feed.target + ", "
                + ProgressLines.rate(perSecond) + ", until the run stops");
        out.flush();
        feed.thread.start();
        return feed;
    }

    private void loop() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long next = System.nanoTime();
        int i = 0;
        try {
            while (true) {
                for (long wait = next - System.nanoTime(); wait > 0 && !stopped; wait = next - System.nanoTime()) {
                    LockSupport.parkNanos(this, wait);
                }
                if (stopped) {
                    return;
                }
                next += pauseNanos;
                try {
                    int status = http.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(lines.get(i))).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                    (status / 100 == 2 ? posted : refused).incrementAndGet();
                    i = (i + 1) % lines.size();
                } catch (IOException notListeningYet) {
                    next = System.nanoTime() + 200_000_000L;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records the listener accepted so far. */
    long posted() {
        return posted.get();
    }

    /** Stops posting and says how many records were posted. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        LockSupport.unpark(thread); // a request under way finishes, so that what was posted is counted
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("local mode: posted " + posted.get() + " records to " + target
                + (refused.get() > 0 ? " (" + refused.get() + " refused)" : ""));
        out.flush();
    }
}
