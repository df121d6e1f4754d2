package ai.geniusrise.core;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.regex.Pattern;

/**
 * A record's bytes do not have the shape expected of them: a line that is not JSON, a CSV row
 * with the wrong number of fields, a value that does not bind to a class.
 *
 * <p>Thrown by input decoders and by the typed views of {@link Record}. The runtime hands it to
 * the task's {@link ErrorPolicy}: it fails the task, skips the record, or sends it to the dead
 * letters with {@link #position()} and {@link #rawBytes()}.
 */
public class RecordFormatException extends RuntimeException {

    /** The source part of a Jackson location: "Source: REDACTED (`StreamReadFeature...` disabled); ". */
    private static final Pattern JSON_SOURCE = Pattern.compile("Source: [^;\\]]*(; )?");

    private final transient Position position;
    private final transient byte[] rawBytes;

    /** A format error at {@code position}. */
    public RecordFormatException(String message, Position position, Throwable cause) {
        this(message, position, null, cause);
    }

    /** A format error at {@code position} in the undecodable input {@code rawBytes}. */
    public RecordFormatException(String message, Position position, byte[] rawBytes, Throwable cause) {
        super(message, cause);
        this.position = position == null ? Position.NONE : position;
        this.rawBytes = rawBytes;
    }

    /** Where the bad input is. */
    public Position position() {
        return position;
    }

    /** The input that could not be decoded, when an input decoder raised this; otherwise {@code null}. */
    public byte[] rawBytes() {
        return rawBytes;
    }

    /**
     * The first line of {@code error}'s message, as our messages quote a decoding failure: for a
     * Jackson exception, its own message (without the location Jackson appends) with the
     * "Source: REDACTED (...)" text Jackson puts in locations left out, so
     * "Unexpected end-of-input: expected close marker for Object (start marker at [line: 1, column: 1])".
     */
    public static String describe(Throwable error) {
        String m = error instanceof JsonProcessingException j ? j.getOriginalMessage() : error.getMessage();
        if (m == null) {
            return error.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        String line = nl < 0 ? m : m.substring(0, nl);
        return error instanceof JsonProcessingException ? JSON_SOURCE.matcher(line).replaceAll("") : line;
    }

    @Override
    public String getMessage() {
        return position == Position.NONE ? super.getMessage() : position + ": " + super.getMessage();
    }
}
