package ai.geniusrise.io.commit;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.spi.PartWriter;

import java.io.IOException;

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
}
