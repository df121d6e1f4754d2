package ai.geniusrise.io.s3;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * An output stream into one S3 object by multipart upload, left uncompleted (so invisible) until
 * {@link #complete()}. Bytes fill a buffer that grows up to the part size; a full buffer is
 * uploaded as a part on a background thread while the next one fills, so at most two buffers
 * (two part sizes) are held; an uploaded buffer goes back to the output's {@link PartBuffers}.
 * {@link #close()} starts the upload of the rest and returns, so that the writer goes on with its
 * next part while it runs ({@link PartBuffers#closing()} bounds how many such uploads an output has
 * at once); {@link #complete()} waits for it and reports its failure. An object with no bytes
 * starts no upload and is written by {@link #complete()} as an empty object.
 *
 * <p>Written by one thread; {@link #complete()} and {@link #abort()} may run on another thread
 * after {@link #close()} returned (or failed).
 */
final class MultipartUpload extends OutputStream {

    private static final int FIRST_BUFFER_BYTES = 64 << 10;

    private final S3Client s3;
    private final S3Settings settings;
    private final String bucket;
    private final String key;
    private final int partSize;
    private final ExecutorService uploader;
    private final PartBuffers buffers;
    private final List<CompletedPart> uploaded = new ArrayList<>();
    private byte[] buffer;
    private int filled;
    private volatile Future<CompletedPart> inFlight;
    private int nextPartNumber = 1;
    private volatile String uploadId;
    private volatile boolean closed;
    private volatile boolean completed;

    MultipartUpload(S3Client s3, S3Settings settings, String bucket, String key, ExecutorService uploader,
                    PartBuffers buffers) {
        this.s3 = s3;
        this.settings = settings;
        this.bucket = bucket;
        this.key = key;
        this.partSize = buffers.partSize();
        this.uploader = uploader;
        this.buffers = buffers;
        byte[] kept = buffers.poll();
        this.buffer = kept != null ? kept : new byte[Math.min(FIRST_BUFFER_BYTES, partSize)];
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == buffer.length) {
            makeRoom();
        }
        buffer[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (filled == buffer.length) {
                makeRoom();
            }
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /** Grows the buffer up to the part size, or sends it as a part when it is that large. */
    private void makeRoom() throws IOException {
        if (closed) {
            throw new IOException("upload of s3://" + bucket + "/" + key + " is closed");
        }
        if (buffer.length < partSize) {
            buffer = Arrays.copyOf(buffer, Math.min(partSize, buffer.length * 2));
        } else {
            sendBuffer(false);
        }
    }

    /** Uploads the buffer as the next part; the last one holds a closing permit until it is uploaded. */
    private void sendBuffer(boolean last) throws IOException {
        awaitInFlight();
        if (uploadId == null) {
            try {
                uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
            } catch (SdkException e) {
                throw S3Failures.translate(e, "starting multipart upload of", bucket, key, settings);
            }
        }
        byte[] sending = buffer;
        int length = filled;
        int partNumber = nextPartNumber++;
        String id = uploadId;
        if (last) {
            buffers.closing();
        }
        FutureTask<CompletedPart> task = new FutureTask<>(() -> {
            try {
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id).partNumber(partNumber)
                                .contentLength((long) length),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(sending, 0, length), length,
                                "application/octet-stream")).eTag();
                return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
            } finally {
                buffers.give(sending); // not when cancelled before it ran: the buffer is then dropped
            }
        }) {
            @Override
            protected void done() {
                if (last) {
                    buffers.closed(); // uploaded, failed or cancelled (abort)
                }
            }
        };
        try {
            uploader.execute(task);
        } catch (RuntimeException e) {
            if (last) {
                buffers.closed();
            }
            throw e;
        }
        inFlight = task;
        buffer = last ? null : buffers.take();
        filled = 0;
    }

    private void awaitInFlight() throws IOException {
        if (inFlight == null) {
            return;
        }
        try {
            uploaded.add(inFlight.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException stop = new InterruptedIOException("interrupted while uploading s3://" + bucket
                    + "/" + key);
            stop.initCause(e);
            throw stop;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SdkException sdk) {
                throw S3Failures.translate(sdk, "uploading part of", bucket, key, settings);
            }
            throw new IOException("uploading part of s3://" + bucket + "/" + key + " failed: " + cause, cause);
        } catch (CancellationException e) {
            throw new IOException("upload of s3://" + bucket + "/" + key + " was cancelled", e);
        } finally {
            inFlight = null;
        }
    }

    /**
     * Starts the upload of the buffered rest as the last part, without waiting for it (but for the
     * part before it); the object stays invisible. {@link #complete()} waits for it.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (filled > 0) {
                sendBuffer(true);
            }
        } finally {
            closed = true;
            if (buffer != null) {
                buffers.give(buffer);
                buffer = null;
            }
        }
    }

    /** Whether {@link #close()} returned: every byte was handed to an upload. */
    boolean isClosed() {
        return closed;
    }

    /**
     * Makes the object visible under its key, replacing what was there: waits for the last part's
     * upload (a failed one fails this), completes the upload, or writes an empty object if nothing
     * was written. Atomic for this object.
     */
    void complete() throws IOException {
        if (completed) {
            return;
        }
        awaitInFlight();
        try {
            if (uploadId == null) {
                s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.empty());
            } else {
                List<CompletedPart> parts = List.copyOf(uploaded);
                s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
            }
            completed = true;
        } catch (SdkException e) {
            throw S3Failures.translate(e, "completing upload of", bucket, key, settings);
        }
    }

    /** Discards the upload: its parts are deleted and nothing becomes visible. Idempotent. */
    void abort() throws IOException {
        Future<CompletedPart> pending = inFlight;
        if (pending != null) {
            pending.cancel(true);
        }
        String id = uploadId;
        if (id != null && !completed) {
            try {
                s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id));
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw S3Failures.translate(e, "aborting upload of", bucket, key, settings);
                }
                // NoSuchUpload: already aborted (by a later attempt's commit), which is the state wanted
            } catch (SdkException e) {
                throw S3Failures.translate(e, "aborting upload of", bucket, key, settings);
            }
            uploadId = null;
        }
    }

    String key() {
        return key;
    }

    /** The multipart upload's id, or {@code null} if none was started. */
    String uploadId() {
        return uploadId;
    }
}
