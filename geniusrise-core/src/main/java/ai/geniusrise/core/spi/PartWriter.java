package ai.geniusrise.core.spi;

import ai.geniusrise.core.Record;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes the records of one part, encoded by the output's format and compression, streaming
 * through a bounded buffer. Used by one thread. {@link #close()} completes the part (flushed,
 * durable) without making it visible.
 */
public interface PartWriter extends Closeable {

    /** Appends {@code record}. */
    void write(Record record) throws IOException;

    /** Bytes written so far, before compression. */
    long bytesWritten();
}
