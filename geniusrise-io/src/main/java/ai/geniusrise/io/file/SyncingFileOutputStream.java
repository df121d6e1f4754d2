package ai.geniusrise.io.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An unbuffered output stream over a file channel whose {@link #close()} forces the file's
 * content and metadata to the device before closing, so a closed part survives a crash.
 * Callers buffer above it. Not thread-safe.
 */
final class SyncingFileOutputStream extends OutputStream {

    private final FileChannel channel;
    private boolean closed;

    SyncingFileOutputStream(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (FileChannel c = channel) {
            c.force(true);
        }
    }
}
