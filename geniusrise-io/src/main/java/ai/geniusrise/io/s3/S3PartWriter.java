package ai.geniusrise.io.s3;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.spi.PartWriter;

import java.io.IOException;

/**
 * A part being encoded into its multipart upload. Remembers whether it was closed completely,
 * so that a commit refuses a part whose bytes may not all be uploaded. Used by one thread.
 */
final class S3PartWriter implements PartWriter {

    private final String finalName;
    private final PartWriter encoder;
    private final MultipartUpload upload;
    private volatile boolean closed;

    S3PartWriter(String finalName, PartWriter encoder, MultipartUpload upload) {
        this.finalName = finalName;
        this.encoder = encoder;
        this.upload = upload;
    }

    @Override
    public void write(Record record) throws IOException {
        encoder.write(record);
    }

    @Override
    public long bytesWritten() {
        return encoder.bytesWritten();
    }

    /** Flushes, finishes compression and uploads the last bytes; the object stays invisible. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            encoder.close();
            closed = upload.isClosed();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** The part's name under the destination, with the format's suffix. */
    String finalName() {
        return finalName;
    }

    MultipartUpload upload() {
        return upload;
    }

    @Override
    public String toString() {
        return "part " + finalName + " at s3 key " + upload.key();
    }
}
