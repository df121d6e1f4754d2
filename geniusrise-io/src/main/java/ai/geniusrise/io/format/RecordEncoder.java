package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.spi.PartWriter;

import java.io.IOException;

/**
 * The common part of the encoders: counts uncompressed bytes and closes the stream stack once.
 * Subclasses write a record's bytes to {@link #out}. Not thread-safe.
 */
abstract class RecordEncoder implements PartWriter {

    final CountingOutput out;
    private boolean closed;

    RecordEncoder(CountingOutput out) {
        this.out = out;
    }

    @Override
    public final void write(Record record) throws IOException {
        if (closed) {
            throw new IOException("part writer is closed");
        }
        encode(record);
    }

    abstract void encode(Record record) throws IOException;

    @Override
    public final long bytesWritten() {
        return out.count();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
