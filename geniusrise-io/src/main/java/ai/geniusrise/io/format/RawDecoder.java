package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.spi.RecordReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * raw: the whole object is one record, at index 1. An object larger than the limit raises
 * {@link RecordFormatException} naming it (without raw bytes: they are what was too large), and
 * the reader then ends; no more than {@code limit + 1} bytes are ever held.
 */
final class RawDecoder implements RecordReader {

    private final InputStream in;
    private final String location;
    private final String object;
    private final int maxObjectBytes;
    private final int readSize;
    private boolean done;

    RawDecoder(InputStream in, String location, String object, int readSize, int maxObjectBytes) {
        this.in = in;
        this.location = location;
        this.object = object;
        this.readSize = readSize;
        this.maxObjectBytes = maxObjectBytes;
    }

    @Override
    public Record next() throws IOException {
        if (done) {
            return null;
        }
        done = true;
        Position position = Position.inObject(location, object, 1);
        byte[] buf = new byte[readSize];
        int size = 0;
        while (true) {
            if (size == buf.length) {
                if (buf.length > maxObjectBytes) {
                    throw new RecordFormatException("object '" + object + "' is larger than the raw format's limit "
                            + "of " + maxObjectBytes + " bytes (option maxObjectBytes)", position, null, null);
                }
                buf = Arrays.copyOf(buf, (int) Math.min(2L * buf.length, maxObjectBytes + 1L));
            }
            int n = in.read(buf, size, buf.length - size);
            if (n < 0) {
                break;
            }
            size += n;
        }
        if (size > maxObjectBytes) {
            throw new RecordFormatException("object '" + object + "' is larger than the raw format's limit of "
                    + maxObjectBytes + " bytes (option maxObjectBytes)", position, null, null);
        }
        return Record.of(size == buf.length ? buf : Arrays.copyOf(buf, size)).withPosition(position);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
