package ai.geniusrise.io.format;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A buffered, unsynchronized output stream that counts the bytes handed to it (before any
 * compression below it). Closing it flushes and closes the stream below. Not thread-safe.
 */
final class CountingOutput extends OutputStream {

    private final OutputStream out;
    private final byte[] buf;
    private int used;
    private long count;
    private boolean closed;

    CountingOutput(OutputStream out, int bufferSize) {
        this.out = out;
        this.buf = new byte[bufferSize];
    }

    @Override
    public void write(int b) throws IOException {
        if (used == buf.length) {
            drain();
        }
        buf[used++] = (byte) b;
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - used) {
            drain();
            if (len >= buf.length) {
                out.write(b, off, len);
                count += len;
                return;
            }
        }
        System.arraycopy(b, off, buf, used, len);
        used += len;
        count += len;
    }

    /** Bytes written so far. */
    long count() {
        return count;
    }

    private void drain() throws IOException {
        if (used > 0) {
            out.write(buf, 0, used);
            used = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            drain();
        } finally {
            out.close();
        }
    }
}
