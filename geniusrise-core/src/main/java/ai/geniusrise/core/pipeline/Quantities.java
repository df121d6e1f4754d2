package ai.geniusrise.core.pipeline;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations ({@code 30s}, {@code 1h30m}, {@code PT5M}) and sizes ({@code 64MiB}, {@code 1GB})
 * of pipeline files, and the durations of command lines, so that both read them alike.
 */
public final class Quantities {

    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)");
    private static final Map<String, Long> SIZE_UNITS = Map.ofEntries(
            Map.entry("", 1L), Map.entry("b", 1L),
            Map.entry("kb", 1_000L), Map.entry("mb", 1_000_000L), Map.entry("gb", 1_000_000_000L),
            Map.entry("tb", 1_000_000_000_000L),
            Map.entry("kib", 1L << 10), Map.entry("mib", 1L << 20), Map.entry("gib", 1L << 30),
            Map.entry("tib", 1L << 40),
            Map.entry("ki", 1L << 10), Map.entry("mi", 1L << 20), Map.entry("gi", 1L << 30),
            Map.entry("ti", 1L << 40));

    private static final String DURATION_EXPECTED =
            "expected a duration such as 250ms, 30s, 5m, 1h, 1h30m, 1d or ISO-8601 PT5M";
    private static final String SIZE_EXPECTED =
            "expected a size such as 65536, 512KiB, 64MiB, 1GiB or 1GB";

    private Quantities() {
    }

    /**
     * A duration: one or more whole numbers with a unit ({@code ms}, {@code s}, {@code m},
     * {@code h}, {@code d}), such as {@code 1h30m}, or ISO-8601 ({@code PT5M}).
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static Duration duration(String text) {
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("p") || t.startsWith("-P")) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(DURATION_EXPECTED + ", got '" + text + "'");
            }
        }
        Matcher m = DURATION_PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long amount;
            try {
                amount = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(DURATION_EXPECTED + ", got '" + text + "' (too large)");
            }
            try {
                Duration part = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
                total = total.plus(part);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(DURATION_EXPECTED + ", got '" + text + "' (too large)");
            }
            end = m.end();
        }
        if (end == 0 || end != t.length()) {
            throw new IllegalArgumentException(DURATION_EXPECTED + ", got '" + text + "'");
        }
        return total;
    }

    /**
     * A {@linkplain #duration duration} that must be more than zero.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static Duration positiveDuration(String text) {
        Duration d = duration(text);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("must be a positive duration, got '" + text + "'");
        }
        return d;
    }

    /**
     * A size in bytes: a number, optionally with a unit: {@code B}, decimal {@code KB MB GB TB},
     * binary {@code KiB MiB GiB TiB} (or Kubernetes' {@code Ki Mi Gi Ti}); units ignore case.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(SIZE_EXPECTED + ", got '" + text + "'");
        }
        Long unit = SIZE_UNITS.get(m.group(2).toLowerCase(Locale.ROOT));
        if (unit == null) {
            throw new IllegalArgumentException(SIZE_EXPECTED + ", got '" + text + "' (unknown unit '"
                    + m.group(2) + "'; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)");
        }
        BigDecimal value = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(SIZE_EXPECTED + ", got '" + text + "' (not a whole number of bytes, "
                    + "or too large)");
        }
    }
}
