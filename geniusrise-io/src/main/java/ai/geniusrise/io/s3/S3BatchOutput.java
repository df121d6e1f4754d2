package ai.geniusrise.io.s3;

import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.io.commit.CommitMarkers;
import ai.geniusrise.io.commit.CommittablePart;
import ai.geniusrise.io.format.RecordCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * One attempt at writing a run's output under an S3 prefix, following the commit protocol
 * described in {@link S3BatchStorage}. {@link #createPart(String)} may be called from several
 * threads; {@link #commit}, {@link #abort()} and {@link #close()} are serialized.
 */
final class S3BatchOutput implements BatchOutput {

    private static final Logger LOG = LoggerFactory.getLogger(S3BatchOutput.class);

    private final BatchOutputConfig config;
    private final S3Location location;
    private final S3Client s3;
    private final S3Settings settings;
    private final ExecutorService uploader;
    private final String attempt = UUID.randomUUID().toString();
    private final RecordCodec codec;
    private final Compression compression;
    private final String suffix;
    private final Clock clock;
    private final Map<String, S3PartWriter> parts = new ConcurrentHashMap<>();
    private final PartBuffers buffers;
    private final java.time.Instant openedAt = java.time.Instant.now();

    S3BatchOutput(BatchOutputConfig config, S3Location location, S3Client s3, S3Settings settings,
                  ExecutorService uploader, RecordCodec codec, Clock clock) {
        this.config = config;
        this.location = location;
        this.s3 = s3;
        this.settings = settings;
        this.uploader = uploader;
        this.codec = codec;
        this.compression = config.compression();
        this.suffix = codec.suffix(compression);
        this.clock = clock;
        this.buffers = new PartBuffers(settings.partSizeBytes(), 2 * Runtime.getRuntime().availableProcessors() + 2);
    }

    /**
     * A part streamed by multipart upload to its final key, invisible to readers until committed.
     *
     * @throws IllegalArgumentException if the name is not a relative path of visible segments
     * @throws IllegalStateException    if this output already created a part of that name
     */
    @Override
    public PartWriter createPart(String partName) throws IOException {
        CommitMarkers.checkPartName(partName);
        String finalName = partName + suffix;
        MultipartUpload upload = new MultipartUpload(s3, settings, location.bucket(), location.key(finalName), uploader,
                buffers);
        S3PartWriter writer = new S3PartWriter(finalName, codec.writer(upload, compression), upload);
        if (parts.putIfAbsent(partName, writer) != null) {
            throw new IllegalStateException("part '" + partName + "' was already created by this output of "
                    + location() + "; part names must be unique within a run");
        }
        return writer;
    }

    @Override
    public synchronized void commit(String runId, List<String> partNames) throws IOException {
        Map<String, S3PartWriter> committing = CommittablePart.toCommit(runId, location(), partNames, parts);
        CommitMarkers.Marker marker = new CommitMarkers.Marker(runId, attempt, List.copyOf(committing.keySet()));
        String pendingKey = markerKey(CommitMarkers.pendingName(runId));
        put(pendingKey, CommitMarkers.pendingJson(marker, clock.instant()), "writing pending marker");
        for (S3PartWriter w : committing.values()) {
            w.upload().complete();
        }
        put(markerKey(CommitMarkers.commitName(runId)), CommitMarkers.commitJson(marker, clock.instant()),
                "writing commit marker");
        try {
            s3.deleteObject(r -> r.bucket(location.bucket()).key(pendingKey));
        } catch (SdkException e) {
            throw S3Failures.translate(e, "deleting pending marker", location.bucket(), pendingKey, settings);
        }
        List<S3PartWriter> unlisted = new ArrayList<>(parts.values());
        unlisted.removeAll(committing.values());
        parts.clear();
        abortAll(unlisted);
        abortLeftovers(committing.values());
    }

    /**
     * Aborts the multipart uploads that earlier attempts at this run's work left when they were
     * killed before their commit (invisible, but stored and billed): uploads under the prefix, to
     * a key just committed or to a part of a stem just committed ({@link CommitMarkers#partStem}),
     * started before this output was opened. A shard or task writing at the same time writes other
     * stems, and its uploads are left alone. Failures are logged: the run is committed already.
     */
    private void abortLeftovers(java.util.Collection<S3PartWriter> committed) {
        Map<String, S3PartWriter> byKey = new java.util.HashMap<>();
        committed.forEach(w -> byKey.put(w.upload().key(), w));
        java.util.Set<String> stems = CommitMarkers.partStems(byKey.keySet());
        int aborted = 0;
        try {
            for (var page : s3.listMultipartUploadsPaginator(r -> r.bucket(location.bucket())
                    .prefix(location.keyPrefix()))) {
                for (var upload : page.uploads()) {
                    S3PartWriter ours = byKey.get(upload.key());
                    boolean sameWork = ours != null || stems.contains(CommitMarkers.partStem(upload.key()));
                    boolean notOurs = ours == null || !upload.uploadId().equals(ours.upload().uploadId());
                    if (sameWork && notOurs && upload.initiated() != null && upload.initiated().isBefore(openedAt)) {
                        s3.abortMultipartUpload(r -> r.bucket(location.bucket()).key(upload.key())
                                .uploadId(upload.uploadId()));
                        aborted++;
                    }
                }
            }
        } catch (SdkException e) {
            LOG.warn("could not abort the uploads earlier attempts left under {}: {}", location,
                    S3Failures.translate(e, "aborting uploads", location.bucket(), null, settings).getMessage());
        }
        if (aborted > 0) {
            LOG.info("aborted {} multipart upload(s) that killed earlier attempts left under {}", aborted, location);
        }
    }

    private String markerKey(String fileName) {
        return location.key(CommitMarkers.FOLDER + "/" + fileName);
    }

    private void put(String key, byte[] content, String operation) throws IOException {
        try {
            s3.putObject(r -> r.bucket(location.bucket()).key(key).contentType("application/json"),
                    RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw S3Failures.translate(e, operation, location.bucket(), key, settings);
        }
    }

    /** Aborts the multipart uploads of every part not committed. */
    @Override
    public synchronized void abort() throws IOException {
        List<S3PartWriter> all = new ArrayList<>(parts.values());
        parts.clear();
        abortAll(all);
    }

    private static void abortAll(List<S3PartWriter> writers) throws IOException {
        IOException first = null;
        for (S3PartWriter w : writers) {
            try {
                w.upload().abort();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Lists the commit markers under {@code <prefix>/_geniusrise/}, page by page. */
    @Override
    public List<String> committedRunIds(String prefix) throws IOException {
        String keyPrefix = markerKey(CommitMarkers.commitNamePrefix(prefix));
        List<String> ids = new ArrayList<>();
        try {
            for (var page : s3.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(keyPrefix))) {
                for (var object : page.contents()) {
                    String id = CommitMarkers.committedRunId(object.key().substring(object.key().lastIndexOf('/') + 1));
                    if (id != null) {
                        ids.add(id);
                    }
                }
            }
        } catch (SdkException e) {
            throw S3Failures.translate(e, "listing commit markers under " + location, location.bucket(), keyPrefix,
                    settings);
        }
        return ids;
    }

    /** Aborts what was not committed. */
    @Override
    public void close() throws IOException {
        abort();
    }

    @Override
    public String location() {
        return config.destination();
    }

    @Override
    public String toString() {
        return "S3BatchOutput{" + location + ", attempt " + attempt + "}";
    }
}
