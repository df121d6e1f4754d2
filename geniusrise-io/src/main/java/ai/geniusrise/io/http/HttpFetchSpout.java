package ai.geniusrise.io.http;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.Spout;
import ai.geniusrise.core.TaskArgs;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.InputConfig;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A batch spout that GETs one URL and emits its body as records: a JSON array gives one record
 * per element (each element's JSON as the value), anything else is read as JSON lines (one record
 * per non-blank line, its bytes as the value). Usable from YAML as it is, without {@code class:}
 * ({@code inputConfig: {type: batch, source: "https://..."}} names it), or extended: override {@link #request(URI)} to add headers or authentication,
 * and {@link #toRecord(byte[])} to shape records.
 *
 * <p>Arguments ({@code args:}): {@code maxBytes} (largest body, default 64 MiB; a larger body
 * fails the run), {@code maxAttempts} (default 4), {@code timeoutSeconds} (per attempt, default
 * 30), {@code backoffMillis} (first wait between attempts, doubled each time, default 500).
 *
 * <p><b>Retries.</b> Connection failures, timeouts before the body starts, HTTP 5xx and 429 are
 * retried with exponential backoff up to {@code maxAttempts}; other statuses fail at once with
 * the URL and the status. Once records have been emitted, a failure while reading the rest of
 * the body is not retried (that would emit records twice): the run fails and, being a batch run,
 * commits nothing.
 *
 * <p><b>Memory.</b> The body is streamed: a JSON array is parsed element by element and JSON
 * lines line by line, so memory is bounded by the largest element or line, not the body.
 *
 * <p>One instance runs one {@link #produce} at a time; the HTTP client is created in
 * {@link #open(TaskContext)}.
 */
public class HttpFetchSpout extends Spout {

    /** The {@code options} of its batch input: none (its limits are task {@code args}). */
    public static final SettingsDef SETTINGS = SettingsDef.of("the options of the HTTP fetch spout (it takes none; "
            + "its limits are args: maxBytes, maxAttempts, timeoutSeconds, backoffMillis)");


    /** Default largest body: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private URI url;
    private long maxBytes;
    private int maxAttempts;
    private Duration timeout;
    private long backoffMillis;
    private HttpClient client;

    /** A spout; the runtime creates it through this constructor. */
    public HttpFetchSpout() {
    }

    /**
     * Reads the URL from the input config's {@code source} and the limits from the arguments.
     *
     * @throws ConfigException if the source is not an http(s) URL or an argument is out of range
     */
    @Override
    public void open(TaskContext context) throws Exception {
        super.open(context);
        InputConfig input = context.input();
        String source = input instanceof BatchInputConfig b ? b.source() : null;
        if (source == null) {
            throw new ConfigException("config.inputConfig", "an HTTP fetch spout reads a URL: give it "
                    + "inputConfig: {type: batch, source: \"https://host/path\"}");
        }
        try {
            url = URI.create(source.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config.inputConfig.source", "'" + source + "' is not a URL: " + e.getMessage(), e);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new ConfigException("config.inputConfig.source", "'" + source + "' is not an http(s) URL such as "
                    + "https://host/path");
        }
        TaskArgs args = context.args();
        maxBytes = positive(args, "maxBytes", DEFAULT_MAX_BYTES);
        maxAttempts = (int) Math.min(100, positive(args, "maxAttempts", 4));
        timeout = Duration.ofSeconds(positive(args, "timeoutSeconds", 30));
        backoffMillis = positive(args, "backoffMillis", 500);
        client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    private static long positive(TaskArgs args, String name, long fallback) {
        long v = args.integer(name, fallback);
        if (v < 1) {
            throw new ConfigException("args." + name, "must be at least 1, got " + v);
        }
        return v;
    }

    /**
     * The request for {@code url}; override to add headers or authentication (call
     * {@code super.request(url)} and add to the builder).
     */
    protected HttpRequest.Builder request(URI url) {
        return HttpRequest.newBuilder(url).GET().timeout(timeout).header("Accept", "application/json, application/x-ndjson");
    }

    /** The record for one element (a JSON array's element, or a line); override to shape records. */
    protected Record toRecord(byte[] value) {
        return Record.of(value);
    }

    @Override
    protected void produce(Emitter out) throws Exception {
        HttpResponse<InputStream> response = fetch();
        try (InputStream body = new LimitedInputStream(new BufferedInputStream(response.body(), 64 << 10), maxBytes,
                url)) {
            body.mark(1 << 16);
            int first = firstNonBlank(body);
            body.reset();
            if (first == '[') {
                emitArray(body, out);
            } else {
                emitLines(body, out);
            }
        }
    }

    /** GETs the URL, retrying what is worth retrying; returns a 2xx response whose body is not read yet. */
    private HttpResponse<InputStream> fetch() throws IOException, InterruptedException {
        long wait = backoffMillis;
        IOException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                context().logger().warn("GET {} failed ({}); attempt {} of {} in {} ms", url, last.getMessage(),
                        attempt, maxAttempts, wait);
                Thread.sleep(wait);
                wait = Math.min(wait * 2, 60_000);
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(request(url).build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                last = new IOException("GET " + url + " timed out after " + timeout.toSeconds() + " s", e);
                continue;
            } catch (IOException e) {
                last = new IOException("GET " + url + " failed: " + e, e);
                continue;
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                OptionalLong length = response.headers().firstValueAsLong("Content-Length");
                if (length.isPresent() && length.getAsLong() > maxBytes) {
                    response.body().close();
                    throw new IOException("GET " + url + ": the body has " + length.getAsLong() + " bytes, more than "
                            + "maxBytes (" + maxBytes + ")");
                }
                return response;
            }
            String excerpt = excerpt(response.body());
            if (status >= 500 || status == 429) {
                last = new IOException("GET " + url + " answered HTTP " + status + excerpt);
                continue;
            }
            throw new IOException("GET " + url + " answered HTTP " + status + excerpt + " (not retried)");
        }
        throw new IOException(last.getMessage() + " after " + maxAttempts + " attempt(s)", last.getCause());
    }

    private static String excerpt(InputStream body) throws IOException {
        try (InputStream in = body) {
            byte[] head = in.readNBytes(200);
            String text = new String(head, java.nio.charset.StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : ": " + text.replaceAll("\\s+", " ");
        }
    }

    private static int firstNonBlank(InputStream in) throws IOException {
        for (int i = 0; i < (1 << 16) - 1; i++) {
            int c = in.read();
            if (c < 0 || !Character.isWhitespace(c)) {
                return c;
            }
        }
        return -1;
    }

    private void emitArray(InputStream body, Emitter out) throws IOException {
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("GET " + url + ": the body is not a JSON array");
            }
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                if (t == null) {
                    throw new IOException("GET " + url + ": the JSON array ends before its closing ']'");
                }
                JsonNode element = JSON.readTree(parser);
                out.emit(toRecord(JSON.writeValueAsBytes(element)));
            }
        }
    }

    private void emitLines(InputStream body, Emitter out) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        for (int c = body.read(); ; c = body.read()) {
            if (c == '\n' || c < 0) {
                byte[] bytes = line.toByteArray();
                int end = bytes.length;
                if (end > 0 && bytes[end - 1] == '\r') {
                    end--;
                }
                if (!new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
                    out.emit(toRecord(java.util.Arrays.copyOf(bytes, end)));
                }
                line.reset();
                if (c < 0) {
                    return;
                }
            } else {
                line.write(c);
            }
        }
    }

    /** Fails a read once more than {@code max} bytes came through. */
    private static final class LimitedInputStream extends FilterInputStream {
        private final long max;
        private final URI url;
        private long count;
        private long mark;

        LimitedInputStream(InputStream in, long max, URI url) {
            super(in);
            this.max = max;
            this.url = url;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                count(1);
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public synchronized void mark(int limit) {
            super.mark(limit);
            mark = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = mark;
        }

        private void count(long n) throws IOException {
            count += n;
            if (count > max) {
                throw new IOException("GET " + url + ": the body is larger than maxBytes (" + max + ")");
            }
        }
    }
}
