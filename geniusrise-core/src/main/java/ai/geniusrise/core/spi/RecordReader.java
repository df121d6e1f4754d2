package ai.geniusrise.core.spi;

import ai.geniusrise.core.Record;

import java.io.Closeable;
import java.io.IOException;

/**
 * Reads the records of one object in order, streaming: memory use does not grow with the
 * object's size. Used by one thread.
 */
public interface RecordReader extends Closeable {

    /**
     * The next record, with its position set, or {@code null} at the end of the object.
     *
     * @throws ai.geniusrise.core.RecordFormatException if the next record cannot be decoded; it
     *         carries the position and the raw bytes, and the reader has moved past it, so the
     *         caller may go on
     * @throws IOException if the object cannot be read further
     */
    Record next() throws IOException;
}
