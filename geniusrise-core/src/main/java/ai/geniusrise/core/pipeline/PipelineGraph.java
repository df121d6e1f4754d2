package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which task reads what another task writes: the edges of a pipeline. */
final class PipelineGraph {

    private PipelineGraph() {
    }

    /**
     * True when {@code consumer} reads what {@code producer} writes: the same topic, or batch
     * locations of which one contains the other.
     */
    static boolean feeds(TaskSpec producer, TaskSpec consumer) {
        if (consumer.kind() == TaskSpec.Kind.SPOUT) {
            return false;
        }
        if (producer.output() instanceof StreamingOutputConfig out && consumer.input() instanceof StreamingInputConfig in) {
            return out.topic().equals(in.topic());
        }
        if (producer.output() instanceof BatchOutputConfig out && consumer.input() instanceof BatchInputConfig in) {
            String d = trim(out.destination());
            String s = trim(in.source());
            return d.equals(s) || s.startsWith(d + "/") || d.startsWith(s + "/");
        }
        return false;
    }

    private static String trim(String location) {
        String l = location.startsWith("file://") ? location.substring("file://".length()) : location;
        while (l.length() > 1 && l.endsWith("/")) {
            l = l.substring(0, l.length() - 1);
        }
        return l;
    }

    /**
     * The tasks ordered so that every task comes after the tasks that feed it; among tasks free
     * to go, file order is kept. Assumes no cycle (the parser rejects cycles).
     */
    static List<TaskSpec> dependencyOrder(List<TaskSpec> tasks) {
        Set<TaskSpec> done = new LinkedHashSet<>();
        while (done.size() < tasks.size()) {
            boolean progressed = false;
            for (TaskSpec t : tasks) {
                if (!done.contains(t) && tasks.stream().noneMatch(p -> p != t && !done.contains(p) && feeds(p, t))) {
                    done.add(t);
                    progressed = true;
                    break;
                }
            }
            if (!progressed) {
                tasks.stream().filter(t -> !done.contains(t)).forEach(done::add);
            }
        }
        return new ArrayList<>(done);
    }
}
