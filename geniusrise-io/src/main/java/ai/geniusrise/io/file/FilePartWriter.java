package ai.geniusrise.io.file;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.spi.PartWriter;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A part being written to its temporary file. Remembers whether it was closed completely, so
 * that a commit refuses a part whose bytes may not be durable. Used by one thread.
 */
final class FilePartWriter implements PartWriter {

    private final String name;
    private final Path temporaryFile;
    private final String finalName;
    private final PartWriter encoder;
    private volatile boolean closed;

    FilePartWriter(String name, Path temporaryFile, String finalName, PartWriter encoder) {
        this.name = name;
        this.temporaryFile = temporaryFile;
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

    /** Flushes, finishes compression, forces the file to disk and closes it. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            encoder.close();
            closed = true;
        }
    }

    String name() {
        return name;
    }

    Path temporaryFile() {
        return temporaryFile;
    }

    /** The part's name under the destination, with the format's suffix. */
    String finalName() {
        return finalName;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "part " + name + " at " + temporaryFile;
    }
}
