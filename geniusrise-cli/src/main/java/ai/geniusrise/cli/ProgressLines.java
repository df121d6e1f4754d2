package ai.geniusrise.cli;

import ai.geniusrise.core.runtime.TaskProgress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders progress snapshots as one line per task, a pure function of the snapshots: records
 * in (bolts only: a spout's source is not counted), out and failed (skipped plus dead-lettered), for a batch bolt the objects read of those
 * listed, the rate of the task's work (what a spout wrote, what a bolt read) between two
 * snapshots, and for a running bolt reading a stream its input's lag (Kafka consumer lag) once known.
 */
final class ProgressLines {

    private ProgressLines() {
    }

    /**
     * The lines for {@code now}, one per task in its order, names padded to one column.
     *
     * @param before  the same tasks at an earlier sample, or an empty list (no rate is shown then)
     * @param seconds the time between the two samples
     */
    static List<String> render(List<TaskProgress> before, List<TaskProgress> now, double seconds) {
        int width = now.stream().mapToInt(p -> p.task().length()).max().orElse(0);
        List<String> lines = new ArrayList<>(now.size());
        for (int i = 0; i < now.size(); i++) {
            TaskProgress earlier = i < before.size() && before.get(i).task().equals(now.get(i).task())
                    ? before.get(i) : null;
            lines.add(line(earlier, now.get(i), seconds, width));
        }
        return lines;
    }

    private static String line(TaskProgress before, TaskProgress p, double seconds, int width) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + Math.max(1, width) + "s  ", p.task()));
        switch (p.phase()) {
            case WAITING -> {
                return sb.append("waiting").toString();
            }
            case RUNNING -> sb.append("running");
            case FINISHED -> sb.append("done   ");
        }
        if (p.objectsTotal() >= 0) {
            sb.append("  objects ").append(p.objectsDone()).append('/').append(p.objectsTotal());
        }
        if (!p.spout()) {
            sb.append("  in ").append(count(p.recordsIn()));
        }
        sb.append("  out ").append(count(p.recordsOut())).append("  failed ").append(count(p.failed()));
        if (p.phase() == TaskProgress.Phase.RUNNING && before != null && seconds > 0) {
            sb.append("  ").append(rate(Math.max(0, p.work() - before.work()) / seconds));
        }
        if (p.lag() >= 0) {
            sb.append("  lag ").append(count(p.lag()));
        }
        if (p.inProcess() >= 0) {
            sb.append("  in process ").append(count(p.inProcess()));
            if (p.waiting() >= 0) {
                sb.append(", waiting ").append(count(p.waiting()));
            }
        }
        return sb.toString();
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Records per second: {@code 0.4/s}, {@code 12/s}, {@code 8.3k/s}, {@code 1.2M/s}. */
    static String rate(double perSecond) {
        if (perSecond >= 999_500) {
            return String.format(Locale.ROOT, "%.1fM/s", perSecond / 1_000_000);
        }
        if (perSecond >= 9_995) {
            return String.format(Locale.ROOT, "%.0fk/s", perSecond / 1_000);
        }
        if (perSecond >= 999.5) {
            return String.format(Locale.ROOT, "%.1fk/s", perSecond / 1_000);
        }
        if (perSecond >= 9.95 || perSecond == 0) {
            return String.format(Locale.ROOT, "%.0f/s", perSecond);
        }
        return String.format(Locale.ROOT, "%.1f/s", perSecond);
    }
}
