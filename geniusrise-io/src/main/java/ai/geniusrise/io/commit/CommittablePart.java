package ai.geniusrise.io.commit;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.spi.PartWriter;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A part being encoded by a batch storage of geniusrise-io (local files, S3) before a commit
 * publishes it; internal to geniusrise-io. It remembers whether it was closed completely, so that
 * a commit refuses a part whose bytes may not all be stored. Used by one thread.
 */
public abstract class CommittablePart implements PartWriter {

    private final String finalName;
    private final PartWriter encoder;
    private volatile boolean closed;

    /**
     * A part that writes through this encoder.
     *
     * @param finalName the part's name under the destination, with the format's suffix
     * @param encoder the format's writer over the part's bytes
     */
    protected CommittablePart(String finalName, PartWriter encoder) {
        this.finalName = finalName;
        this.encoder = encoder;
    }

    @Override
    public void write(Record record) throws IOException {
        encoder.write(record);
    }

    @Override
    public long bytesWritten() {
        return encoder.bytesWritten();
    }

    /** Closes the encoder, once; the part is closed completely if {@link #stored()} then says so. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            encoder.close();
            closed = stored();
        }
    }

    /** Whether all the part's bytes are stored once its encoder is closed; true by default. */
    protected boolean stored() {
        return true;
    }

    /** True once {@link #close()} has closed the encoder and stored all the part's bytes. */
    public boolean isClosed() {
        return closed;
    }

    /** The part's name under the destination, with the format's suffix. */
    public String finalName() {
        return finalName;
    }

    /**
     * The parts a commit of a run publishes, by final name in the order given (a final name
     * given twice is published once), after checking that each was created by the output
     * and closed completely.
     *
     * @param runId the run being committed
     * @param location the output's location, for messages
     * @param partNames the names of the parts to commit
     * @param created the parts the output created, by name
     * @param <P> the output's part type
     * @throws IllegalArgumentException if the run id is empty
     * @throws IOException if a part was not created by the output
     * @throws IllegalStateException if a part is still open
     */
    public static <P extends CommittablePart> Map<String, P> toCommit(String runId, String location,
            List<String> partNames, Map<String, P> created) throws IOException {
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException("run id must not be empty");
        }
        Map<String, P> committing = new LinkedHashMap<>();
        for (String name : partNames) {
            P w = created.get(name);
            if (w == null) {
                throw new IOException("cannot commit run " + runId + " to " + location + ": part '" + name
                        + "' was not created by this output (created: " + created.keySet() + ")");
            }
            if (!w.isClosed()) {
                throw new IllegalStateException("cannot commit run " + runId + " to " + location + ": part '"
                        + name + "' is still open; close its writer first");
            }
            committing.putIfAbsent(w.finalName(), w);
        }
        return committing;
    }
}
