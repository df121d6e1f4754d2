package ai.geniusrise.io.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding characters: the hot path of every line
 * format. A line ends at {@code \n}; a {@code \r} right before it is part of the line break.
 * A leading UTF-8 byte-order mark is dropped.
 *
 * <p>One buffer is reused for the whole stream. It starts at the read size and grows only to
 * hold a single line longer than that, never past {@code maxLineBytes + 2} (the line and its
 * break). A longer line is reported as {@linkplain #tooLong() too long}: its first bytes are
 * kept as a sample and the rest is skipped up to the next line break, so memory stays bounded
 * whatever the input. After {@link #next()} returns true, the line is
 * {@code buffer()[start() .. start() + length())} until the next call.
 *
 * <p>Not thread-safe.
 */
final class LineSplitter {

    /** How many leading bytes of an over-long line are kept for the error. */
    static final int TOO_LONG_SAMPLE_BYTES = 8 << 10;

    private final InputStream in;
    private final int maxLineBytes;
    private final int maxCapacity;
    private byte[] buf;
    private int pos;      // first byte not yet returned
    private int limit;    // end of the bytes read into buf
    private boolean eof;
    private boolean first = true;
    private long lineNumber;

    private int lineStart;
    private int lineLength;
    private int breakLength;
    private boolean tooLong;
    private long tooLongLength;
    private byte[] tooLongSample;

    LineSplitter(InputStream in, int readSize, int maxLineBytes) {
        if (readSize < 16) {
            throw new IllegalArgumentException("read size must be at least 16 bytes, got " + readSize);
        }
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maximum line length must be at least 1 byte, got " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.maxCapacity = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(readSize, maxLineBytes + 2L));
        this.buf = new byte[readSize];
    }

    /**
     * Moves to the next line.
     *
     * @return false at the end of the stream
     */
    boolean next() throws IOException {
        tooLong = false;
        tooLongSample = null;
        int scanFrom = pos;
        while (true) {
            int nl = indexOfNewline(buf, scanFrom, limit);
            if (nl >= 0) {
                int end = nl > pos && buf[nl - 1] == '\r' ? nl - 1 : nl;
                emit(pos, end - pos, nl + 1 - end);
                pos = nl + 1;
                return true;
            }
            if (eof) {
                if (pos == limit) {
                    return false;
                }
                int end = buf[limit - 1] == '\r' ? limit - 1 : limit;
                emit(pos, end - pos, limit - end);
                pos = limit;
                return true;
            }
            int pending = limit - pos;
            if (pending > maxLineBytes + 1) {
                skipTooLongLine();
                return true;
            }
            if (pos > 0 && limit == buf.length) {
                System.arraycopy(buf, pos, buf, 0, pending);
                pos = 0;
                limit = pending;
            } else if (limit == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(maxCapacity, 2L * buf.length));
            }
            scanFrom = limit;
            fill();
        }
    }

    private void emit(int start, int length, int breakLen) {
        if (first) {
            first = false;
            if (length >= 3 && buf[start] == (byte) 0xEF && buf[start + 1] == (byte) 0xBB
                    && buf[start + 2] == (byte) 0xBF) {
                start += 3;
                length -= 3;
            }
        }
        lineNumber++;
        breakLength = breakLen;
        if (length > maxLineBytes) {
            tooLong = true;
            tooLongLength = length;
            tooLongSample = Arrays.copyOfRange(buf, start, start + Math.min(TOO_LONG_SAMPLE_BYTES, length));
            lineStart = 0;
            lineLength = 0;
            return;
        }
        lineStart = start;
        lineLength = length;
    }

    private void skipTooLongLine() throws IOException {
        first = false;
        tooLong = true;
        lineNumber++;
        tooLongSample = Arrays.copyOfRange(buf, pos, pos + Math.min(TOO_LONG_SAMPLE_BYTES, limit - pos));
        long skipped = 0;
        while (true) {
            int nl = indexOfNewline(buf, pos, limit);
            if (nl >= 0) {
                skipped += nl - pos;
                pos = nl + 1;
                break;
            }
            skipped += limit - pos;
            pos = 0;
            limit = 0;
            fill();
            if (eof && limit == 0) {
                break;
            }
        }
        tooLongLength = skipped;
        lineStart = 0;
        lineLength = 0;
        breakLength = 0;
    }

    private void fill() throws IOException {
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    private static int indexOfNewline(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The buffer holding the current line; valid until the next call of {@link #next()}. */
    byte[] buffer() {
        return buf;
    }

    /** Where the current line starts in {@link #buffer()}. */
    int start() {
        return lineStart;
    }

    /** The current line's length in bytes, without its line break. */
    int length() {
        return lineLength;
    }

    /** The length of the current line's break: 0 (end of stream), 1 ({@code \n}) or 2 ({@code \r\n}). */
    int breakLength() {
        return breakLength;
    }

    /** The 1-based number of the current line. */
    long lineNumber() {
        return lineNumber;
    }

    /** True when the current line was longer than the limit and was skipped. */
    boolean tooLong() {
        return tooLong;
    }

    /** For a too-long line: its length in bytes, line break excluded (possibly with a trailing {@code \r}). */
    long tooLongLength() {
        return tooLongLength;
    }

    /** For a too-long line: its first bytes (at most {@value #TOO_LONG_SAMPLE_BYTES}). */
    byte[] tooLongSample() {
        return tooLongSample;
    }

    /** The line limit this splitter enforces. */
    int maxLineBytes() {
        return maxLineBytes;
    }

    /** The buffer's current size; for tests proving memory stays bounded. */
    int bufferCapacity() {
        return buf.length;
    }

    /** The largest size the buffer may grow to. */
    int maxBufferCapacity() {
        return maxCapacity;
    }
}
