package ai.geniusrise.core;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task's {@code args:} from its pipeline file: named values (strings, numbers, booleans,
 * lists, maps). Typed getters convert and report mistakes as {@link ConfigException}s naming the
 * argument ({@code args.threshold: expected a number, got 'high'}). Immutable.
 */
public final class TaskArgs {

    private static final TaskArgs EMPTY = new TaskArgs(Map.of());

    private final Map<String, Object> values;

    private TaskArgs(Map<String, Object> values) {
        this.values = values;
    }

    /** No arguments. */
    public static TaskArgs empty() {
        return EMPTY;
    }

    /** Arguments with these values (copied; nested lists and maps are kept as given). */
    public static TaskArgs of(Map<String, ?> values) {
        return values.isEmpty() ? EMPTY : new TaskArgs(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }

    /** True when the argument is present. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The argument as a string; required. */
    public String string(String name) {
        return String.valueOf(required(name));
    }

    /** The argument as a string, or {@code fallback} when absent. */
    public String string(String name, String fallback) {
        Object v = values.get(name);
        return v == null ? fallback : String.valueOf(v);
    }

    /** The argument as a whole number, or {@code fallback} when absent. */
    public long integer(String name, long fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw mistake(name, "expected a whole number, got '" + v + "'");
        }
    }

    /** The argument as a number, or {@code fallback} when absent. */
    public double decimal(String name, double fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw mistake(name, "expected a number, got '" + v + "'");
        }
    }

    /** The argument as a boolean ({@code true}/{@code false}), or {@code fallback} when absent. */
    public boolean bool(String name, boolean fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw mistake(name, "expected true or false, got '" + v + "'");
    }

    /**
     * All arguments bound to {@code type} (a Java record or a POJO) through Jackson; unknown
     * arguments are an error.
     */
    public <T> T as(Class<T> type) {
        try {
            JsonNode tree = Record.json().valueToTree(values);
            return Record.json().treeToValue(tree, type);
        } catch (Exception e) {
            throw new ConfigException("args", "do not bind to " + type.getSimpleName() + ": "
                    + RecordFormatException.describe(e), e);
        }
    }

    /** All arguments, unmodifiable, in file order. */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object required(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw mistake(name, "is required but not given; add it under the task's args:");
        }
        return v;
    }

    private static ConfigException mistake(String name, String problem) {
        return new ConfigException("args." + name, problem);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskArgs a && a.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
