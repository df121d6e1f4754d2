package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.spi.RecordReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * jsonl and text: a record per line, the value being the line's bytes without its break.
 *
 * <p>For jsonl, blank lines (only spaces, tabs) are skipped, and line numbers still count
 * them. Lines are <em>not</em> parsed as JSON here: that would cost a full parse per line for
 * bolts that only pass bytes along. {@link Record#valueAsJson()} parses on demand and raises
 * {@link RecordFormatException} with the record's position for a line that is not JSON.
 */
final class LineDecoder implements RecordReader {

    private final LineSplitter lines;
    private final InputStream in;
    private final String location;
    private final String object;
    private final boolean skipBlank;

    LineDecoder(InputStream in, String location, String object, int readSize, int maxLineBytes, boolean skipBlank) {
        this.in = in;
        this.lines = new LineSplitter(in, readSize, maxLineBytes);
        this.location = location;
        this.object = object;
        this.skipBlank = skipBlank;
    }

    @Override
    public Record next() throws IOException {
        while (lines.next()) {
            if (lines.tooLong()) {
                throw LineErrors.tooLong(lines, location, object);
            }
            byte[] b = lines.buffer();
            int start = lines.start();
            int len = lines.length();
            if (skipBlank && LineErrors.isBlank(b, start, len)) {
                continue;
            }
            return Record.of(Arrays.copyOfRange(b, start, start + len))
                    .withPosition(Position.inObject(location, object, lines.lineNumber()));
        }
        return null;
    }

    /** The splitter, for tests that check memory stays bounded. */
    LineSplitter splitter() {
        return lines;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
