package ai.geniusrise.core.config;

import ai.geniusrise.core.ConfigException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A text with date-time fields in braces, such as {@code s3://lake/raw/dt={yyyy-MM-dd}/hour={HH}}:
 * each {@code {pattern}} is a {@link DateTimeFormatter} pattern, formatted in UTC for a given
 * instant. {@code {{} is a literal {@code {}, and a {@code {} right after a {@code $} is always
 * literal, so that {@code ${VAR}} placeholders (expanded when the pipeline file is read) and the
 * literal {@code ${} they leave behind never collide. Immutable; safe from any thread.
 */
final class TimeTemplate {

    /** A literal piece (formatter null) or a date-time field. */
    private record Piece(String text, DateTimeFormatter formatter) {
    }

    private static final ZonedDateTime SAMPLE = ZonedDateTime.of(2024, 5, 1, 10, 0, 0, 0, ZoneOffset.UTC);

    private final String text;
    private final List<Piece> pieces;

    private TimeTemplate(String text, List<Piece> pieces) {
        this.text = text;
        this.pieces = pieces;
    }

    /**
     * Parses {@code text}.
     *
     * @param key the config field holding it, for the message
     * @throws ConfigException naming {@code key} when a brace is not closed, empty, or holds a
     *                         pattern that is not a valid date-time pattern
     */
    static TimeTemplate parse(String key, String text) {
        List<Piece> pieces = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '{' || (i > 0 && text.charAt(i - 1) == '$')) {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
                literal.append('{');
                i += 2;
                continue;
            }
            int close = text.indexOf('}', i + 1);
            if (close < 0) {
                throw new ConfigException(key, "'" + text + "' opens a date-time field with '{' at character "
                        + (i + 1) + " but never closes it; write {pattern} such as {yyyy-MM-dd}, or {{ for a "
                        + "literal '{'");
            }
            String pattern = text.substring(i + 1, close);
            if (pattern.isBlank()) {
                throw new ConfigException(key, "'" + text + "' has an empty date-time field {} at character "
                        + (i + 1) + "; write a pattern such as {yyyy-MM-dd} or {HH}");
            }
            if (!literal.isEmpty()) {
                pieces.add(new Piece(literal.toString(), null));
                literal.setLength(0);
            }
            pieces.add(new Piece(pattern, formatter(key, text, pattern)));
            i = close + 1;
        }
        if (!literal.isEmpty()) {
            pieces.add(new Piece(literal.toString(), null));
        }
        return new TimeTemplate(text, List.copyOf(pieces));
    }

    private static DateTimeFormatter formatter(String key, String text, String pattern) {
        DateTimeFormatter f;
        try {
            f = DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "'" + text + "' holds {" + pattern + "}, which is not a date-time pattern: "
                    + e.getMessage() + " (java.time patterns such as {yyyy-MM-dd}, {HH}, {yyyy/MM/dd})", e);
        }
        try {
            f.format(SAMPLE);
        } catch (DateTimeException e) {
            throw new ConfigException(key, "'" + text + "' holds {" + pattern + "}, which cannot be formatted for a "
                    + "time in UTC: " + e.getMessage(), e);
        }
        return f;
    }

    /** True when the text holds at least one date-time field. */
    boolean hasFields() {
        return pieces.stream().anyMatch(p -> p.formatter() != null);
    }

    /** The text with every field formatted for {@code time} in UTC, and {@code {{} made {@code {}. */
    String format(Instant time) {
        ZonedDateTime at = time.atZone(ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (Piece p : pieces) {
            sb.append(p.formatter() == null ? p.text() : p.formatter().format(at));
        }
        return sb.toString();
    }

    /** The text with every field formatted for a fixed sample time: for checks that only need its shape. */
    String sample() {
        return format(SAMPLE.toInstant());
    }
}
