package ai.geniusrise.io.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Full-size part buffers kept for reuse by the parts of one output, so that a run allocates a
 * few part-sized arrays rather than two per part (large arrays are costly for the garbage
 * collector). Keeps at most {@code capacity} buffers. Also bounds the parts of the output whose
 * last bytes are still being uploaded after their writer closed them ({@value #CLOSING} at a
 * time; each holds one buffer). Thread-safe.
 */
final class PartBuffers {

    /** Closed parts whose last upload may run at once; the next close waits for one of them. */
    static final int CLOSING = 2;

    private final int partSize;
    private final ArrayBlockingQueue<byte[]> free;
    private final Semaphore closing = new Semaphore(CLOSING);

    PartBuffers(int partSize, int capacity) {
        this.partSize = partSize;
        this.free = new ArrayBlockingQueue<>(capacity);
    }

    /** Waits until fewer than {@value #CLOSING} closed parts are still uploading; {@link #closed()} ends the wait's hold. */
    void closing() throws IOException {
        try {
            closing.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the uploads of closed parts");
        }
    }

    /** A closed part's last upload ended. */
    void closed() {
        closing.release();
    }

    int partSize() {
        return partSize;
    }

    /** A kept buffer of the part size, or {@code null} if none is free. */
    byte[] poll() {
        return free.poll();
    }

    /** A kept buffer of the part size, or a new one. */
    byte[] take() {
        byte[] b = free.poll();
        return b != null ? b : new byte[partSize];
    }

    /** Gives back a buffer no longer used; kept if it has the part size and there is room. */
    void give(byte[] buffer) {
        if (buffer != null && buffer.length == partSize) {
            free.offer(buffer);
        }
    }
}
