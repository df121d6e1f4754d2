package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.RecordFormatException;

/** The errors and checks the line-based decoders share. */
final class LineErrors {

    private LineErrors() {
    }

    static RecordFormatException tooLong(LineSplitter lines, String location, String object) {
        return new RecordFormatException("line of " + lines.tooLongLength() + " bytes is longer than the limit of "
                + lines.maxLineBytes() + " bytes (option maxLineBytes) and was skipped; the raw bytes hold its first "
                + lines.tooLongSample().length + " bytes", Position.inObject(location, object, lines.lineNumber()),
                lines.tooLongSample(), null);
    }

    static boolean isBlank(byte[] b, int start, int len) {
        for (int i = start, end = start + len; i < end; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}
