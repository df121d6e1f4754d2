package ai.geniusrise.cli;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.testkit.s3.S3Endpoint;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/** Writes objects to a test's S3 endpoint, and reads what a reader of our outputs would see there. */
record S3Objects(S3Endpoint s3, String bucket) {

    void put(String key, String content) {
        s3.client().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    /**
     * The parts committed under {@code prefix}, by relative name, with their stored bytes: our
     * own S3 input lists them, honouring the commit markers.
     */
    TreeMap<String, byte[]> visibleParts(String prefix) {
        TreeMap<String, byte[]> parts = new TreeMap<>();
        try (BatchInput in = BatchStorage.forScheme("s3", "source").openInput(BatchInputConfig.builder(
                "s3://" + bucket + "/" + prefix).options(s3.options()).build(), null)) {
            for (String name : in.objects()) {
                parts.put(name, s3.client().getObjectAsBytes(r -> r.bucket(bucket).key(prefix + "/" + name))
                        .asByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parts;
    }

    /** The lines of the parts committed under {@code prefix}, gzip undone, in part order. */
    List<String> visibleLines(String prefix) {
        List<String> lines = new ArrayList<>();
        visibleParts(prefix).forEach((name, bytes) -> {
            try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(new ByteArrayInputStream(bytes))
                    : new ByteArrayInputStream(bytes)) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(lines::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return lines;
    }

    /** Every key under {@code prefix/} outside our {@code _geniusrise/} folder, relative, sorted. */
    List<String> keysOutsideMarkers(String prefix) {
        return s3.client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + "/")).contents().stream()
                .map(S3Object::key).map(k -> k.substring(prefix.length() + 1))
                .filter(k -> !k.startsWith("_geniusrise/")).sorted().toList();
    }

    /** How many multipart uploads are in progress under {@code prefix/}. */
    int uploadsInProgress(String prefix) {
        return s3.client().listMultipartUploads(r -> r.bucket(bucket).prefix(prefix + "/")).uploads().size();
    }
}
