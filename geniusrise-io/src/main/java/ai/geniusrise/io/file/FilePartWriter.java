package ai.geniusrise.io.file;

import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.io.commit.CommittablePart;

import java.nio.file.Path;

/**
 * A part being written to its temporary file. Remembers whether it was closed completely, so
 * that a commit refuses a part whose bytes may not be durable. Closing it flushes, finishes
 * compression, forces the file to disk and closes it. Used by one thread.
 */
final class FilePartWriter extends CommittablePart {

    private final String name;
    private final Path temporaryFile;

    FilePartWriter(String name, Path temporaryFile, String finalName, PartWriter encoder) {
        super(finalName, encoder);
        this.name = name;
        this.temporaryFile = temporaryFile;
    }

    String name() {
        return name;
    }

    Path temporaryFile() {
        return temporaryFile;
    }

    @Override
    public String toString() {
        return "part " + name + " at " + temporaryFile;
    }
}
