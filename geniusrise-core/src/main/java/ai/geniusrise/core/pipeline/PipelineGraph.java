package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.pipeline.PipelineParser.ParsedTask;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The wiring of a pipeline's tasks: task A feeds bolt B when B reads what A writes: the same
 * topic, or for batch, the same location or one above or under it. Spouts' inputs are external
 * and feed nothing from inside the pipeline. A bolt that no task feeds gets a warning, unless it
 * reads a local folder that exists already.
 */
final class PipelineGraph {

    private PipelineGraph() {
    }

    /**
     * Checks the wiring of {@code tasks}.
     *
     * @return located warnings for bolts reading what no task writes
     * @throws ConfigException naming the tasks of a cycle in order, located at the input source
     *                         of the cycle's first task in file order
     */
    static List<String> check(List<ParsedTask> tasks) {
        int n = tasks.size();
        List<List<Integer>> feeds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            feeds.add(new ArrayList<>());
        }
        // Writers indexed by what they write, so that wiring n tasks costs n log n, not n * n.
        Map<String, List<Integer>> topics = new HashMap<>();
        Map<String, List<Integer>> locations = new HashMap<>();
        TreeMap<String, List<Integer>> sortedLocations = new TreeMap<>();
        for (int writer = 0; writer < n; writer++) {
            OutputConfig out = tasks.get(writer).spec().output();
            if (out.type().equals("streaming")) {
                topics.computeIfAbsent(out.destination(), k -> new ArrayList<>()).add(writer);
            } else {
                String written = normalize(out.destination());
                List<Integer> same = locations.computeIfAbsent(written, k -> new ArrayList<>());
                same.add(writer);
                sortedLocations.put(written, same);
            }
        }
        List<String> warnings = new ArrayList<>();
        for (int reader = 0; reader < n; reader++) {
            ParsedTask r = tasks.get(reader);
            if (r.spec().kind() != TaskSpec.Kind.BOLT) {
                continue;
            }
            TreeSet<Integer> writers = new TreeSet<>();
            InputConfig in = r.spec().input();
            if (in.type().equals("streaming")) {
                writers.addAll(topics.getOrDefault(in.source(), List.of()));
            } else {
                String read = normalize(in.source());
                writers.addAll(locations.getOrDefault(read, List.of()));
                for (int i = read.indexOf('/'); i >= 0; i = read.indexOf('/', i + 1)) {
                    writers.addAll(locations.getOrDefault(read.substring(0, i), List.of()));
                }
                sortedLocations.subMap(read + "/", read + "/\uffff").values().forEach(writers::addAll);
            }
            for (int writer : writers) {
                feeds.get(writer).add(reader);
            }
            if (writers.isEmpty() && !existingLocalFolder(r.spec().input())) {
                warnings.add(sourceProblem(r, unfedMessage(r.spec().input())).getMessage());
            }
        }
        List<Integer> cycle = findCycle(feeds);
        if (!cycle.isEmpty()) {
            ParsedTask first = tasks.get(cycle.get(0));
            String names = cycle.stream().map(i -> tasks.get(i).spec().name()).collect(Collectors.joining(" -> "))
                    + " -> " + first.spec().name();
            throw sourceProblem(first, "the tasks form a cycle: " + names + " (each arrow points from a task to one "
                    + "that reads what it writes); a pipeline must not feed a task its own output");
        }
        return warnings;
    }

    private static ConfigException sourceProblem(ParsedTask task, String problem) {
        return task.node().relocate(new ConfigException("config.inputConfig.source", problem));
    }

    /** A local folder or file that is already there is data made outside the pipeline on purpose. */
    private static boolean existingLocalFolder(InputConfig input) {
        if (!(input instanceof BatchInputConfig batch) || !batch.scheme().equals("file")) {
            return false;
        }
        try {
            return Files.exists(Path.of(normalize(batch.source())));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static String unfedMessage(InputConfig input) {
        if (input.type().equals("streaming")) {
            return "no task of this pipeline writes topic '" + input.source()
                    + "'; it must be filled from outside the pipeline";
        }
        return "no task of this pipeline writes to '" + input.source()
                + "' or a location above or under it; it must be filled from outside the pipeline";
    }

    /** True when {@code output} writes what {@code input} reads. */
    static boolean feeds(OutputConfig output, InputConfig input) {
        if (!output.type().equals(input.type())) {
            return false;
        }
        if (output.type().equals("streaming")) {
            return output.destination().equals(input.source());
        }
        String written = normalize(output.destination());
        String read = normalize(input.source());
        return written.equals(read) || written.startsWith(read + "/") || read.startsWith(written + "/");
    }

    /** A batch location for comparison: {@code file:///x} as {@code /x}, without trailing slashes. */
    static String normalize(String location) {
        String s = location.trim();
        if (s.regionMatches(true, 0, "file://", 0, 7) && s.length() > 7 && s.charAt(7) == '/') {
            s = s.substring(7);
        }
        while (s.length() > 1 && s.endsWith("/") && !s.endsWith("://")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /**
     * The first cycle found (tasks in file order as starting points), as task indexes starting
     * with the lowest index of the cycle; empty when there is none.
     */
    private static List<Integer> findCycle(List<List<Integer>> feeds) {
        int n = feeds.size();
        int[] state = new int[n]; // 0 unvisited, 1 on the current path, 2 done
        for (int start = 0; start < n; start++) {
            if (state[start] != 0) {
                continue;
            }
            Deque<Integer> path = new ArrayDeque<>();
            Deque<Iterator<Integer>> next = new ArrayDeque<>();
            path.addLast(start);
            next.addLast(feeds.get(start).iterator());
            state[start] = 1;
            while (!path.isEmpty()) {
                Iterator<Integer> it = next.peekLast();
                if (!it.hasNext()) {
                    state[path.removeLast()] = 2;
                    next.removeLast();
                    continue;
                }
                int to = it.next();
                if (state[to] == 1) {
                    List<Integer> onPath = new ArrayList<>(path);
                    List<Integer> cycle = new ArrayList<>(onPath.subList(onPath.indexOf(to), onPath.size()));
                    int lowest = cycle.indexOf(cycle.stream().min(Integer::compare).orElseThrow());
                    List<Integer> rotated = new ArrayList<>(cycle.subList(lowest, cycle.size()));
                    rotated.addAll(cycle.subList(0, lowest));
                    return rotated;
                }
                if (state[to] == 0) {
                    state[to] = 1;
                    path.addLast(to);
                    next.addLast(feeds.get(to).iterator());
                }
            }
        }
        return List.of();
    }

    /**
     * The tasks ordered so that every task comes after the tasks that feed it; among tasks free
     * to go, file order is kept. The parser has rejected cycles already.
     */
    static List<TaskSpec> dependencyOrder(List<TaskSpec> tasks) {
        Set<TaskSpec> done = new LinkedHashSet<>();
        while (done.size() < tasks.size()) {
            TaskSpec next = tasks.stream().filter(t -> !done.contains(t)).filter(t -> tasks.stream()
                            .noneMatch(p -> p != t && !done.contains(p) && feeds(p, t))).findFirst()
                    .orElseGet(() -> tasks.stream().filter(t -> !done.contains(t)).findFirst().orElseThrow());
            done.add(next);
        }
        return new ArrayList<>(done);
    }

    static boolean feeds(TaskSpec producer, TaskSpec consumer) {
        return consumer.kind() == TaskSpec.Kind.BOLT && feeds(producer.output(), consumer.input());
    }
}
