package ai.geniusrise.io.s3;

import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.io.commit.CommittablePart;

/**
 * A part being encoded into its multipart upload. Remembers whether it was closed completely,
 * so that a commit refuses a part whose bytes were not all handed to the upload. Closing it
 * flushes, finishes compression and starts the upload of the last bytes, which the commit waits
 * for ({@link MultipartUpload#complete()}); the object stays invisible. Used by one thread.
 */
final class S3PartWriter extends CommittablePart {

    private final MultipartUpload upload;

    S3PartWriter(String finalName, PartWriter encoder, MultipartUpload upload) {
        super(finalName, encoder);
        this.upload = upload;
    }

    /** Complete only if the upload took the last bytes (their upload may still be running). */
    @Override
    protected boolean stored() {
        return upload.isClosed();
    }

    MultipartUpload upload() {
        return upload;
    }

    @Override
    public String toString() {
        return "part " + finalName() + " at s3 key " + upload.key();
    }
}
