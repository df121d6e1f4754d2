package ai.geniusrise.core.spi;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The objects of one batch input for one run. Thread-safe: the runtime reads several objects at
 * once, each through its own {@link RecordReader}.
 */
public interface BatchInput extends Closeable {

    /**
     * The objects to read, in a stable order: names relative to the input's location. Objects
     * that a commit marker of ours does not list (unfinished or aborted parts) are left out.
     *
     * @throws IOException if the location cannot be listed (the message names it)
     */
    List<String> objects() throws IOException;

    /**
     * Opens {@code object} for reading, decoding it by the input's format and compression.
     *
     * @throws IOException if the object cannot be opened (the message names it)
     */
    RecordReader open(String object) throws IOException;
}
