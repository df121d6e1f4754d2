package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A batch task's {@code schedule:}: a five-field cron expression ({@code minute hour
 * day-of-month month day-of-week}) or a macro such as {@code @daily}, checked once, when it is
 * built. The one cron grammar of Geniusrise: the pipeline parser builds it, the task managers
 * render it for Kubernetes and EventBridge and compute the next run from it.
 *
 * <p>Each field is {@code *}, a number in its range (month 1-12 or {@code JAN}-{@code DEC},
 * day-of-week 0-7 or {@code SUN}-{@code SAT}, 0 and 7 both Sunday), a range {@code a-b}, either
 * with a step {@code /n}, or a comma-separated list of those. When both day-of-month and
 * day-of-week are restricted, a day matching either fires (the rule of Kubernetes and Vixie cron).
 * Immutable and thread-safe.
 */
public final class CronSchedule {

    private static final Map<String, String> MACROS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
            "sep", "oct", "nov", "dec");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
    private static final String[] FIELD_NAMES = {"minute", "hour", "day-of-month", "month", "day-of-week"};
    private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};

    private final String text;
    private final String[] fields;
    private final BitSet[] values = new BitSet[5];

    private CronSchedule(String text, String[] fields) {
        this.text = text;
        this.fields = fields;
        for (int i = 0; i < 5; i++) {
            values[i] = bits(fields[i], RANGES[i][0], RANGES[i][1], names(i), i == 3 ? 1 : 0);
        }
        if (values[4].get(7)) {
            values[4].set(0);
        }
    }

    /**
     * The schedule {@code text} describes.
     *
     * @throws ConfigException at {@code schedule}, saying which field is wrong and what it takes
     */
    public static CronSchedule parse(String text) {
        Objects.requireNonNull(text, "text");
        String cron = text.trim();
        String five = MACROS.getOrDefault(cron, cron);
        String[] fields = five.split("\\s+");
        if (fields.length != 5 || cron.isEmpty()) {
            throw new ConfigException("schedule", "expected a cron schedule of 5 fields (minute hour day-of-month "
                    + "month day-of-week) such as \"*/15 * * * *\", or one of "
                    + String.join(", ", new TreeSet<>(MACROS.keySet())) + ", got '" + text + "'");
        }
        for (int i = 0; i < 5; i++) {
            String problem = problem(fields[i], RANGES[i][0], RANGES[i][1], names(i), i == 3 ? 1 : 0);
            if (problem != null) {
                throw new ConfigException("schedule", "bad cron schedule '" + text + "': the " + FIELD_NAMES[i]
                        + " field '" + fields[i] + "' " + problem);
            }
        }
        return new CronSchedule(cron, fields);
    }

    private static List<String> names(int field) {
        return field == 3 ? MONTHS : field == 4 ? DAYS : List.of();
    }

    /** The schedule as written (trimmed): five fields or a macro. */
    public String text() {
        return text;
    }

    /**
     * The five fields, a macro written out ({@code @daily} is {@code 0 0 * * *}): minute, hour,
     * day-of-month, month, day-of-week, as written.
     */
    public List<String> fields() {
        return List.of(fields);
    }

    /**
     * The schedule as Kubernetes' CronJob takes it: day-of-week 7 (Sunday, which cron allows)
     * written as 0, and a range or step reaching 7 written out ({@code 5-7} as {@code 5,6,0});
     * Kubernetes' parser accepts only 0-6. A macro and the other fields are unchanged.
     */
    public String forKubernetes() {
        if (MACROS.containsKey(text)) {
            return text;
        }
        String[] f = fields.clone();
        f[4] = daysOfWeek();
        return String.join(" ", f);
    }

    /** The day-of-week field with 7 written as 0 and ranges reaching 7 listed ({@code 5-7} as {@code 5,6,0}). */
    public String daysOfWeek() {
        List<String> parts = new ArrayList<>();
        for (String part : fields[4].split(",")) {
            int slash = part.indexOf('/');
            String range = slash < 0 ? part : part.substring(0, slash);
            String[] ends = range.split("-");
            if (range.equals("*") || !(ends[0].equals("7") || ends.length > 1 && ends[1].equals("7"))) {
                parts.add(part);
                continue;
            }
            int from = value(ends[0], DAYS, 0);
            int to = ends.length > 1 ? value(ends[1], DAYS, 0) : slash >= 0 ? 7 : from;
            int step = slash < 0 ? 1 : Integer.parseInt(part.substring(slash + 1));
            for (int d = from; d <= to; d += step) {
                parts.add(Integer.toString(d % 7));
            }
        }
        return String.join(",", parts);
    }

    /**
     * The first time after {@code after} (to the minute, in its zone) when the schedule fires, or
     * {@code null} when it does not within five years (a 30 February).
     */
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = after.plusYears(5);
        while (t.isBefore(limit)) {
            if (!values[3].get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!values[1].get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!values[0].get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return t;
            }
        }
        return null;
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = values[2].get(t.getDayOfMonth());
        boolean dow = values[4].get(t.getDayOfWeek().getValue() % 7);
        if (fields[2].startsWith("*") || fields[4].startsWith("*")) {
            return dom && dow;
        }
        return dom || dow;
    }

    /**
     * What is wrong with one field ({@code *}, numbers, names, {@code a-b} ranges, {@code /step},
     * lists), or {@code null} when it is valid.
     */
    private static String problem(String field, int min, int max, List<String> names, int firstName) {
        for (String part : field.split(",", -1)) {
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                String step = part.substring(slash + 1);
                if (!step.matches("[0-9]{1,4}") || Integer.parseInt(step) == 0) {
                    return "has a step '" + step + "' that is not a positive whole number";
                }
            }
            if (range.equals("*")) {
                continue;
            }
            String[] ends = range.split("-", -1);
            if (ends.length > 2) {
                return "has a malformed range '" + range + "'";
            }
            int[] bounds = new int[ends.length];
            for (int i = 0; i < ends.length; i++) {
                String end = ends[i].toLowerCase(Locale.ROOT);
                int named = names.indexOf(end);
                if (named >= 0) {
                    bounds[i] = named + firstName;
                } else if (end.matches("[0-9]{1,4}")) {
                    bounds[i] = Integer.parseInt(end);
                } else {
                    return "holds '" + ends[i] + "', expected a number from " + min + " to " + max
                            + (names.isEmpty() ? "" : " or a name such as " + names.get(0).toUpperCase(Locale.ROOT))
                            + ", '*', a range a-b, a step /n or a list";
                }
                if (bounds[i] < min || bounds[i] > max) {
                    return "holds " + bounds[i] + ", outside " + min + "-" + max;
                }
            }
            if (bounds.length == 2 && bounds[0] > bounds[1]) {
                return "has a range " + range + " that runs backwards";
            }
        }
        return null;
    }

    /** The values a checked field selects. */
    private static BitSet bits(String field, int min, int max, List<String> names, int firstName) {
        BitSet bits = new BitSet(max + 1);
        for (String part : field.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = Integer.parseInt(part.substring(slash + 1));
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else {
                String[] ends = range.split("-");
                from = value(ends[0], names, firstName);
                to = ends.length > 1 ? value(ends[1], names, firstName) : slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int value(String text, List<String> names, int firstName) {
        int named = names.indexOf(text.toLowerCase(Locale.ROOT));
        return named >= 0 ? named + firstName : Integer.parseInt(text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The schedule as written. */
    @Override
    public String toString() {
        return text;
    }
}
