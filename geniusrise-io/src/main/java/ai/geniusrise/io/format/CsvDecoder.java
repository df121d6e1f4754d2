package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.spi.RecordReader;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * csv with a header row: each later row becomes the JSON object {@code {"column":"value",...}}
 * (all values strings), positioned at the row's first line.
 *
 * <p>Rows are found on bytes by {@link LineSplitter}; a row continues over line breaks while
 * a quoted field is open (an odd number of {@code "} so far), and the whole row, at most
 * {@code maxLineBytes}, is then parsed by Jackson's CSV parser. A row whose field count differs
 * from the header's raises {@link RecordFormatException} with its raw bytes, and the next call
 * goes on with the next row. Blank lines are skipped. A header with an empty or repeated column
 * name makes the object unreadable ({@link IOException}).
 */
final class CsvDecoder implements RecordReader {

    private final InputStream in;
    private final LineSplitter lines;
    private final String location;
    private final String object;
    private final int maxRowBytes;
    private final CsvFactory csv;
    private final JsonFactory json;
    private final ByteArrayOutputStream value = new ByteArrayOutputStream(256);
    private final List<String> fields = new ArrayList<>();
    private byte[] row = new byte[1024];
    private int rowSize;
    private List<String> header;
    private SerializedString[] names;

    CsvDecoder(InputStream in, String location, String object, int readSize, int maxLineBytes, CsvFactory csv,
            JsonFactory json) {
        this.in = in;
        this.lines = new LineSplitter(in, readSize, maxLineBytes);
        this.location = location;
        this.object = object;
        this.maxRowBytes = maxLineBytes;
        this.csv = csv;
        this.json = json;
    }

    @Override
    public Record next() throws IOException {
        while (lines.next()) {
            long lineNumber = lines.lineNumber();
            Position position = Position.inObject(location, object, lineNumber);
            if (lines.tooLong()) {
                throw LineErrors.tooLong(lines, location, object);
            }
            byte[] b = lines.buffer();
            int start = lines.start();
            int len = lines.length();
            if (LineErrors.isBlank(b, start, len)) {
                continue;
            }
            if (quotesAreOdd(b, start, len)) {
                readContinuedRow(b, start, len, position);
                b = row;
                start = 0;
                len = rowSize;
            }
            parseFields(b, start, len, position);
            if (header == null) {
                readHeader(lineNumber);
                continue;
            }
            if (fields.size() != header.size()) {
                throw new RecordFormatException("row has " + fields.size() + " field" + (fields.size() == 1 ? "" : "s")
                        + " but the header has " + header.size() + " " + header, position,
                        Arrays.copyOfRange(b, start, start + len), null);
            }
            return Record.of(toJson()).withPosition(position);
        }
        return null;
    }

    /** Gathers the lines of a row with a quoted line break into {@link #row}. */
    private void readContinuedRow(byte[] b, int start, int len, Position position) throws IOException {
        rowSize = 0;
        append(b, start, len);
        boolean open = true;
        boolean overflow = false;
        long total = len;
        int previousBreak = lines.breakLength();
        while (open && lines.next()) {
            if (lines.tooLong()) {
                overflow = true;
                break;
            }
            byte[] lb = lines.buffer();
            int ls = lines.start();
            int ll = lines.length();
            open = !quotesAreOdd(lb, ls, ll);
            total += previousBreak + ll;
            if (!overflow && total <= maxRowBytes) {
                append(previousBreak == 2 ? CRLF : LF, 0, previousBreak);
                append(lb, ls, ll);
            } else {
                overflow = true;
            }
            previousBreak = lines.breakLength();
        }
        if (overflow) {
            throw new RecordFormatException("csv row with quoted line breaks is longer than the limit of "
                    + maxRowBytes + " bytes (option maxLineBytes) and was skipped; the raw bytes hold its start",
                    position, Arrays.copyOf(row, Math.min(rowSize, LineSplitter.TOO_LONG_SAMPLE_BYTES)), null);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LF = {'\n'};

    private void append(byte[] b, int off, int len) {
        if (rowSize + len > row.length) {
            row = Arrays.copyOf(row, Math.max(rowSize + len, Math.min(maxRowBytes, 2 * row.length)));
        }
        System.arraycopy(b, off, row, rowSize, len);
        rowSize += len;
    }

    private static boolean quotesAreOdd(byte[] b, int start, int len) {
        boolean odd = false;
        for (int i = start, end = start + len; i < end; i++) {
            if (b[i] == '"') {
                odd = !odd;
            }
        }
        return odd;
    }

    private void parseFields(byte[] b, int start, int len, Position position) {
        fields.clear();
        try (JsonParser p = csv.createParser(b, start, len)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new RecordFormatException("csv row could not be split into fields", position,
                        Arrays.copyOfRange(b, start, start + len), null);
            }
            for (JsonToken t = p.nextToken(); t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
                fields.add(p.getText());
            }
        } catch (IOException e) {
            throw new RecordFormatException("csv row is malformed: " + RecordFormatException.describe(e),
                    position, Arrays.copyOfRange(b, start, start + len), e);
        }
    }

    private void readHeader(long lineNumber) throws IOException {
        Set<String> seen = new HashSet<>();
        names = new SerializedString[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.get(i);
            if (name.isBlank()) {
                throw new IOException("csv header of '" + object + "' (line " + lineNumber + ") has no name for "
                        + "column " + (i + 1) + "; every column needs a name to become a JSON field");
            }
            if (!seen.add(name)) {
                throw new IOException("csv header of '" + object + "' (line " + lineNumber + ") names column '"
                        + name + "' twice; each name must be unique to become a JSON field");
            }
            names[i] = new SerializedString(name);
        }
        header = List.copyOf(fields);
    }

    private byte[] toJson() throws IOException {
        value.reset();
        try (JsonGenerator g = json.createGenerator(value)) {
            g.writeStartObject();
            for (int i = 0; i < names.length; i++) {
                g.writeFieldName(names[i]);
                g.writeString(fields.get(i));
            }
            g.writeEndObject();
        }
        return value.toByteArray();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
