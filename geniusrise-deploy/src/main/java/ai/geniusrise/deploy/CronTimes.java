package ai.geniusrise.deploy;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * When a five-field cron schedule (already checked by the pipeline parser) fires next, with
 * Kubernetes' rules: when both day-of-month and day-of-week are restricted, a day matching
 * either fires; 0 and 7 are Sunday.
 */
final class CronTimes {

    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
            "sep", "oct", "nov", "dec");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    CronTimes(String schedule) {
        String five = switch (schedule.trim()) {
            case "@yearly", "@annually" -> "0 0 1 1 *";
            case "@monthly" -> "0 0 1 * *";
            case "@weekly" -> "0 0 * * 0";
            case "@daily", "@midnight" -> "0 0 * * *";
            case "@hourly" -> "0 * * * *";
            default -> schedule.trim();
        };
        String[] f = five.split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("not a five-field cron schedule: '" + schedule + "'");
        }
        minutes = field(f[0], 0, 59, List.of(), 0);
        hours = field(f[1], 0, 23, List.of(), 0);
        daysOfMonth = field(f[2], 1, 31, List.of(), 0);
        months = field(f[3], 1, 12, MONTHS, 1);
        daysOfWeek = field(f[4], 0, 7, DAYS, 0);
        if (daysOfWeek.get(7)) {
            daysOfWeek.set(0);
        }
        anyDayOfMonth = f[2].startsWith("*");
        anyDayOfWeek = f[4].startsWith("*");
    }

    /**
     * {@code schedule} as Kubernetes takes it: day-of-week 7 (Sunday, which cron allows) written
     * as 0, and a range or step reaching 7 written out ({@code 5-7} as {@code 5,6,0}); Kubernetes'
     * parser accepts only 0-6. Macros and other fields are unchanged.
     */
    static String kubernetes(String schedule) {
        String[] f = schedule.trim().split("\\s+");
        if (f.length != 5) {
            return schedule;
        }
        f[4] = daysOfWeek(f[4]);
        return String.join(" ", f);
    }

    /** A day-of-week field with 7 written as 0, ranges reaching 7 listed. */
    static String daysOfWeek(String field) {
        List<String> parts = new java.util.ArrayList<>();
        for (String part : field.split(",")) {
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

    private static BitSet field(String text, int min, int max, List<String> names, int firstName) {
        BitSet bits = new BitSet(max + 1);
        for (String part : text.split(",")) {
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

    /** The first time after {@code after} (to the minute) when the schedule fires, or {@code null} within 5 years. */
    ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = after.plusYears(5);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return t;
            }
        }
        return null;
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
        if (anyDayOfMonth || anyDayOfWeek) {
            return dom && dow;
        }
        return dom || dow;
    }
}
