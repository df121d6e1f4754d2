package ai.geniusrise.io.s3;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.RecordReader;
import ai.geniusrise.io.commit.CommitMarkers;
import ai.geniusrise.io.commit.InputGlob;
import ai.geniusrise.io.format.RecordCodec;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The objects under an S3 prefix (or one object), as described in {@link S3BatchStorage}.
 * Thread-safe: listing keeps nothing between calls but the single-object flag, and each
 * {@link #open(String)} makes its own reader over its own GetObject stream.
 */
final class S3BatchInput implements BatchInput {

    private final BatchInputConfig config;
    private final S3Location location;
    private final S3Client s3;
    private final S3Settings settings;
    private final RecordCodec codec;
    private final InputGlob glob;
    private volatile String singleObjectKey;

    S3BatchInput(BatchInputConfig config, S3Location location, S3Client s3, S3Settings settings, RecordCodec codec) {
        this.config = config;
        this.location = location;
        this.s3 = s3;
        this.settings = settings;
        this.codec = codec;
        this.glob = new InputGlob(config.glob());
    }

    /**
     * The visible objects under the prefix, sorted; listed page by page (1,000 keys a request).
     * An empty or absent prefix has no objects; a prefix naming one object is that object.
     */
    @Override
    public List<String> objects() throws IOException {
        Set<String> committed = committedParts();
        List<String> names = new ArrayList<>();
        String keyPrefix = location.keyPrefix();
        try {
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(r -> r.bucket(location.bucket())
                    .prefix(keyPrefix))) {
                for (S3Object o : page.contents()) {
                    String relative = o.key().substring(keyPrefix.length());
                    if (relative.isEmpty() || relative.endsWith("/") || hidden(relative)) {
                        continue;
                    }
                    if (glob.matches(relative)
                            && (committed == null || committed.contains(relative))) {
                        names.add(relative);
                    }
                }
            }
        } catch (SdkException e) {
            throw S3Failures.translate(e, "listing objects under " + location, location.bucket(), null, settings);
        }
        if (names.isEmpty() && committed == null && !location.prefix().isEmpty() && isObject(location.prefix())) {
            singleObjectKey = location.prefix();
            String name = location.prefix().substring(location.prefix().lastIndexOf('/') + 1);
            return List.of(name);
        }
        Collections.sort(names);
        return List.copyOf(names);
    }

    private boolean isObject(String key) throws IOException {
        try {
            s3.headObject(r -> r.bucket(location.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(e.awsErrorDetails().errorCode())) {
                return false;
            }
            throw S3Failures.translate(e, "reading", location.bucket(), key, settings);
        } catch (SdkException e) {
            throw S3Failures.translate(e, "reading", location.bucket(), key, settings);
        }
    }

    private static boolean hidden(String relative) {
        for (String segment : relative.split("/")) {
            if (segment.startsWith("_") || segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** The parts our commit markers make visible, or {@code null} if the prefix has no markers. */
    private Set<String> committedParts() throws IOException {
        String folder = location.key(CommitMarkers.FOLDER) + "/";
        List<CommitMarkers.Found> found = new ArrayList<>();
        boolean any = false;
        try {
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(r -> r.bucket(location.bucket())
                    .prefix(folder).delimiter("/"))) {
                any |= !page.contents().isEmpty() || !page.commonPrefixes().isEmpty();
                for (S3Object o : page.contents()) {
                    String name = o.key().substring(folder.length());
                    if (!CommitMarkers.isMarkerName(name)) {
                        continue;
                    }
                    byte[] content = read(o.key());
                    if (content == null) {
                        continue;
                    }
                    String where = "s3://" + location.bucket() + "/" + o.key();
                    Instant at = CommitMarkers.writtenAt(content, where);
                    found.add(new CommitMarkers.Found(name, CommitMarkers.parse(content, where),
                            at != null ? at : o.lastModified()));
                }
            }
        } catch (SdkException e) {
            throw S3Failures.translate(e, "listing commit markers under " + location, location.bucket(), null,
                    settings);
        }
        return any ? CommitMarkers.visibleParts(found) : null;
    }

    /** The bytes of a marker, or {@code null} if it was deleted since it was listed. */
    private byte[] read(String key) throws IOException {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(r -> r.bucket(location.bucket()).key(key));
            return bytes.asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (SdkException e) {
            throw S3Failures.translate(e, "reading commit marker", location.bucket(), key, settings);
        }
    }

    /** Streams {@code object} through the format's decoder: memory does not grow with its size. */
    @Override
    public RecordReader open(String object) throws IOException {
        String single = singleObjectKey;
        String key = single != null && single.endsWith("/" + object) || object.equals(single) ? single
                : location.key(object);
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(r -> r.bucket(location.bucket()).key(key));
        } catch (SdkException e) {
            throw S3Failures.translate(e, "reading object '" + object + "' of input " + config.source() + ",",
                    location.bucket(), key, settings);
        }
        return codec.reader(in, config.source(), object, config.compression());
    }

    @Override
    public void close() {
        // the client is shared by the storage; nothing is held here
    }

    @Override
    public String toString() {
        return "S3BatchInput{" + location + "}";
    }
}
