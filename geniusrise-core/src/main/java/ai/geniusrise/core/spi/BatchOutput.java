package ai.geniusrise.core.spi;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The output of one batch run: parts written invisibly, then published together.
 *
 * <p>The runtime names parts deterministically; {@link #createPart(String)} may be called from
 * several threads. Nothing a run writes is visible to readers until {@link #commit}, which
 * publishes the listed parts and writes a commit marker naming them; {@link #abort()} removes
 * what the run wrote. A new run with the same parts replaces them (a re-run after a crash
 * converges on the same output).
 */
public interface BatchOutput extends Closeable {

    /**
     * A new part named {@code partName} (a relative path such as {@code dt=2024-01-01/part-00000},
     * without extension; the output adds the format's extension).
     */
    PartWriter createPart(String partName) throws IOException;

    /**
     * Makes the parts named {@code partNames} visible and writes a commit marker for
     * {@code runId} listing them; parts this output created and did not list are removed. Parts
     * that other outputs (other instances, other processes) are writing under the same
     * destination are not touched.
     *
     * @throws IOException if publication failed; nothing new is then visible
     */
    void commit(String runId, List<String> partNames) throws IOException;

    /** Removes every part of this run that was not committed. */
    void abort() throws IOException;

    /**
     * The ids of the runs committed under this output's destination (by any output, in any
     * process) whose id starts with {@code prefix}, in no particular order. Lets a writer that
     * names its runs after its input positions resume from what is durably published.
     *
     * @throws IOException                   if the store cannot be listed
     * @throws UnsupportedOperationException if this output cannot list its commits (the default)
     */
    default List<String> committedRunIds(String prefix) throws IOException {
        throw new UnsupportedOperationException(getClass().getName() + " cannot list the runs committed to "
                + location());
    }

    /** Where this output writes, for messages. */
    String location();
}
