package ai.geniusrise.io.s3;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.io.format.RecordCodec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batch storage on S3 and S3-compatible stores (MinIO, S3Proxy, Ceph, R2), for
 * {@code s3://bucket/prefix} locations, on the AWS SDK v2 synchronous client over the JDK's
 * {@code HttpURLConnection} (no Netty, no Apache HttpClient). Registered for
 * {@link java.util.ServiceLoader}; thread-safe. One client is made per distinct setting and kept
 * for the life of the JVM; part uploads run on a shared pool of daemon threads, at most one per
 * open part.
 *
 * <h2>Options</h2>
 * Declared in {@link #settings()} (in YAML, {@code defaults.s3} is merged under the config's
 * {@code options}): {@code endpoint}, {@code region}, {@code pathStyle}, {@code accessKeyId} and
 * {@code secretAccessKey}, {@code partSizeMb}, {@code maxAttempts}, {@code connectTimeoutSeconds},
 * {@code requestTimeoutSeconds}, and the {@linkplain RecordCodec#OPTIONS format options}; the
 * generated table in {@code docs/pipeline-yaml.md} lists them. Failures name the operation, the
 * bucket and the endpoint.
 *
 * <h2>Inputs</h2>
 * The objects under {@code prefix/}, listed page by page, named relative to the prefix, sorted.
 * Keys with a segment starting with {@code _} or {@code .} are skipped; the glob filters the
 * relative names. If {@code prefix/_geniusrise/} holds commit markers, only the parts they make
 * visible are objects (the same rule as {@link ai.geniusrise.io.file.FileBatchStorage}; markers
 * are ordered by the time written inside them). A prefix with nothing under it that names an
 * object is read alone. Objects are streamed from GetObject through {@link RecordCodec}:
 * memory does not grow with their size.
 *
 * <h2>Outputs: the commit protocol</h2>
 * An uncompleted multipart upload is invisible to every reader of the bucket, so parts are
 * uploaded straight to their final keys and published by completing the upload (no copy):
 * <ol>
 *   <li>{@code createPart(name)} starts streaming {@code <prefix>/<name>.<ext>[.gz]}: bytes fill
 *       a buffer that grows to {@code partSizeMb}; each full buffer is uploaded as a part on a
 *       background thread while the next fills (at most two buffers per open part). The part's
 *       {@code close()} uploads the rest and waits; nothing is visible yet.</li>
 *   <li>{@code commit(runId, parts)}: (1) writes {@code <prefix>/_geniusrise/pending-<runId>.json}
 *       listing the final names and the attempt (one output instance); (2) completes each
 *       listed part's upload, which atomically replaces the object under its key (an empty part
 *       is written with one PutObject); (3) writes {@code <prefix>/_geniusrise/commit-<runId>.json};
 *       (4) deletes the pending marker, aborts the uploads of parts not listed, and aborts the uploads
 *       under the prefix that were started before this output was opened to the committed keys or
 *       to parts of the committed part stems ({@link ai.geniusrise.io.commit.CommitMarkers#partStem}):
 *       what attempts at the same work left when they were killed before their commit.</li>
 *   <li>{@code abort()} (and {@code close()} without a commit) aborts every uncompleted
 *       upload.</li>
 * </ol>
 * Each marker is one PutObject, so readers see a whole marker or none. A crash before (2)
 * leaves nothing new visible; a crash inside (2) or before (3) leaves a pending marker without
 * its commit, which hides the run's parts (even those an older commit lists) until a later
 * commit lists them again; a re-run writes the same keys with the same bytes and converges on a
 * clean run's output. Uploads left by a killed process are invisible but stored until a later
 * commit of the same work aborts them; for those no run rewrites, give the bucket a lifecycle
 * rule that aborts incomplete multipart uploads after a day. An attempt whose upload another
 * attempt aborted fails its commit: two attempts writing the same keys at once do not both win.
 */
public final class S3BatchStorage implements BatchStorage {

    private static final Map<S3Settings, S3Client> CLIENTS = new ConcurrentHashMap<>();
    private static final ExecutorService UPLOADER = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "geniusrise-s3-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });

    /** The storage; public for {@link java.util.ServiceLoader}. */
    public S3BatchStorage() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("s3");
    }

    @Override
    public SettingsDef settings() {
        return S3Settings.DEFINITION;
    }

    @Override
    public Optional<Map<String, String>> optionsAt(String endpoint, String region, String accessKeyId,
                                                   String secretAccessKey) {
        return Optional.of(atEndpoint(Map.of(), endpoint, region, accessKeyId, secretAccessKey));
    }

    /**
     * {@code options} with the settings that reach an S3-compatible store at {@code endpoint} in
     * {@code region} with static credentials (path-style): how another module (the CLI's local
     * mode) points a config at a store without writing this adapter's keys itself.
     */
    public static Map<String, String> atEndpoint(Map<String, String> options, String endpoint, String region,
                                                 String accessKeyId, String secretAccessKey) {
        Map<String, String> out = new java.util.LinkedHashMap<>(options);
        out.put(S3Settings.ENDPOINT.name(), endpoint);
        out.put(S3Settings.REGION.name(), region);
        out.put(S3Settings.ACCESS_KEY_ID.name(), accessKeyId);
        out.put(S3Settings.SECRET_ACCESS_KEY.name(), secretAccessKey);
        out.put(S3Settings.PATH_STYLE.name(), "true");
        return out;
    }

    /**
     * The S3-compatible endpoint {@code options} name, if any.
     *
     * @throws ai.geniusrise.core.ConfigException if the options are not valid
     */
    public static Optional<String> endpoint(Map<String, String> options) {
        return Optional.ofNullable(S3Settings.DEFINITION.parse(options, "options.").get(S3Settings.ENDPOINT))
                .map(URI::toString);
    }

    /**
     * An input over {@code config.source()}. Nothing is requested yet: a missing bucket or denied
     * credentials are reported by {@link BatchInput#objects()}.
     *
     * @param context used for nothing but may be {@code null}
     * @throws ConfigException if the location, the options or the glob are not valid
     */
    @Override
    public BatchInput openInput(BatchInputConfig config, TaskContext context) {
        S3Location location = S3Location.parse(config.source(), "source");
        Settings options = S3Settings.DEFINITION.parse(config.options(), "options.");
        S3Settings settings = S3Settings.from(options);
        return new S3BatchInput(config, location, client(settings), settings, RecordCodec.forInput(config, options));
    }

    /**
     * An output under {@code config.destination()}. Checks that the bucket exists and can be
     * reached, so that a wrong bucket fails the run before any input is read.
     *
     * @param context its clock dates the commit markers; may be {@code null} (the system clock)
     * @throws ConfigException if the location or the options are not valid
     * @throws IOException     if the bucket does not exist, access is denied or the endpoint
     *                         cannot be reached (the message names the bucket)
     */
    @Override
    public BatchOutput openOutput(BatchOutputConfig config, TaskContext context) throws IOException {
        S3Location location = S3Location.parse(config.destination(), "destination");
        S3Settings settings = S3Settings.from(S3Settings.DEFINITION.parse(config.options(), "options."));
        S3Client s3 = client(settings);
        try {
            s3.headBucket(r -> r.bucket(location.bucket()));
        } catch (SdkException e) {
            throw S3Failures.translate(e, "checking the output bucket of " + location + ",", location.bucket(), null,
                    settings);
        }
        Clock clock = context == null ? Clock.systemUTC() : context.clock();
        return new S3BatchOutput(config, location, s3, settings, UPLOADER, RecordCodec.forOutput(config), clock);
    }

    private static S3Client client(S3Settings settings) {
        return CLIENTS.computeIfAbsent(settings, S3Settings::newClient);
    }
}
