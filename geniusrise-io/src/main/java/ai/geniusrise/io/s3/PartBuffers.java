package ai.geniusrise.io.s3;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Full-size part buffers kept for reuse by the parts of one output, so that a run allocates a
 * few part-sized arrays rather than two per part (large arrays are costly for the garbage
 * collector). Keeps at most {@code capacity} buffers. Thread-safe.
 */
final class PartBuffers {

    private final int partSize;
    private final ArrayBlockingQueue<byte[]> free;

    PartBuffers(int partSize, int capacity) {
        this.partSize = partSize;
        this.free = new ArrayBlockingQueue<>(capacity);
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
