package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.settings.Quantities;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.settings.Suggestions;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One node of a pipeline file with its field path ({@code tasks[1].config.outputConfig}): reads
 * it as the type a key expects and reports every mistake as a {@link ConfigException} located at
 * the node's 1-based line and column. Scalars have their {@code ${VAR}} placeholders expanded
 * before conversion.
 */
final class PipelineNode {

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    private static final int MAX_MERGE_DEPTH = 16;
    private static final int MAX_VALUE_DEPTH = 64;

    private final Node node;
    private final String path;
    private final String file;
    private final Map<String, String> env;

    PipelineNode(Node node, String path, String file, Map<String, String> env) {
        this.node = node;
        this.path = path;
        this.file = file;
        this.env = env;
    }

    /** The underlying YAML node. */
    Node node() {
        return node;
    }

    /** The field path, such as {@code tasks[0].config}; empty for the document root. */
    String path() {
        return path;
    }

    /** The path of a child field {@code key} of this node. */
    String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    PipelineNode child(Node child, String childPath) {
        return new PipelineNode(child, childPath, file, env);
    }

    /** This node with {@code variables} set (over the environment) for the placeholders under it. */
    PipelineNode withVariables(Map<String, String> variables) {
        if (variables.isEmpty()) {
            return this;
        }
        Map<String, String> more = new HashMap<>(env);
        more.putAll(variables);
        return new PipelineNode(node, path, file, more);
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    /** True for an empty value, {@code ~} or {@code null} written plainly. */
    boolean isNull() {
        if (!(node instanceof ScalarNode s)) {
            return false;
        }
        if (Tag.NULL.equals(s.getTag())) {
            return true;
        }
        return s.isPlain() && isNullText(s.getValue());
    }

    private static boolean isNullText(String text) {
        return text.isEmpty() || text.equals("~") || text.equals("null") || text.equals("Null") || text.equals("NULL");
    }

    // ---------------------------------------------------------------- errors and locations

    /** A mistake in this node's value. */
    ConfigException error(String problem) {
        return at(node, path, problem);
    }

    /** A mistake located at {@code where}, under field path {@code fieldPath}. */
    ConfigException at(Node where, String fieldPath, String problem) {
        return locate(new ConfigException(null, problem), where, fieldPath);
    }

    ConfigException locate(ConfigException e, Node where, String fieldPath) {
        Mark mark = where.getStartMark().orElse(null);
        int line = mark == null ? 0 : mark.getLine() + 1;
        int column = mark == null ? 0 : mark.getColumn() + 1;
        return e.locatedAt(file, line, column, fieldPath == null || fieldPath.isEmpty() ? null : fieldPath);
    }

    /**
     * {@code e}, whose path is relative to this node (such as {@code format} or
     * {@code config.inputConfig.source}), located at the deepest node of that path found here,
     * with the full path.
     */
    ConfigException relocate(ConfigException e) {
        String relative = e.path();
        if (relative == null || relative.isEmpty()) {
            return locate(e, node, path);
        }
        Node deepest = descend(node, relative);
        String full = path.isEmpty() ? relative : (relative.startsWith("[") ? path + relative : path + "." + relative);
        return locate(e, deepest, full);
    }

    /**
     * The deepest node reached from {@code start} along {@code relative}: dotted keys (which may
     * themselves hold dots, like {@code security.protocol}) and list indexes {@code [n]}.
     */
    static Node descend(Node start, String relative) {
        Node current = start;
        String rest = relative;
        while (!rest.isEmpty()) {
            if (rest.startsWith(".")) {
                rest = rest.substring(1);
                continue;
            }
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0 || !(current instanceof SequenceNode seq)) {
                    return current;
                }
                int index;
                try {
                    index = Integer.parseInt(rest.substring(1, close).trim());
                } catch (NumberFormatException e) {
                    return current;
                }
                if (index < 0 || index >= seq.getValue().size()) {
                    return current;
                }
                current = seq.getValue().get(index);
                rest = rest.substring(close + 1);
                continue;
            }
            if (!(current instanceof MappingNode map)) {
                return current;
            }
            NodeTuple best = findKey(map, rest, 0);
            if (best == null) {
                return current;
            }
            int bestLength = ((ScalarNode) best.getKeyNode()).getValue().length();
            current = best.getValueNode();
            rest = rest.substring(bestLength);
        }
        return current;
    }

    /** The entry of {@code map} whose key is the longest prefix of {@code rest}, merged keys included. */
    private static NodeTuple findKey(MappingNode map, String rest, int depth) {
        NodeTuple best = null;
        int bestLength = -1;
        List<MappingNode> merged = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                if (isMergeKey(k)) {
                    Node v = t.getValueNode();
                    for (Node source : v instanceof SequenceNode seq ? seq.getValue() : List.of(v)) {
                        if (source instanceof MappingNode m) {
                            merged.add(m);
                        }
                    }
                    continue;
                }
                String key = k.getValue();
                boolean matches = rest.equals(key) || rest.startsWith(key + ".") || rest.startsWith(key + "[");
                if (matches && key.length() > bestLength) {
                    best = t;
                    bestLength = key.length();
                }
            }
        }
        if (best == null && depth < MAX_MERGE_DEPTH) {
            for (MappingNode m : merged) {
                NodeTuple found = findKey(m, rest, depth + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return best;
    }

    /** How a value is named in "got ..." messages. */
    String describe() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isNull()) {
            return "nothing";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    // ---------------------------------------------------------------- mappings and lists

    /**
     * This node as a mapping of text keys, in file order, any key accepted. Rejects duplicate keys.
     *
     * @param what how the mapping is named in the message when it is not one, such as "a stateConfig"
     */
    Map<String, PipelineNode> mapping(String what) {
        return mapping(null, what, null, 0);
    }

    /**
     * This node as a mapping of the keys {@code keys} declares, in file order. Rejects duplicate
     * keys, and undeclared ones with the definition's {@linkplain SettingsDef#unknownKey message}
     * (naming the nearest declared key).
     */
    Map<String, PipelineNode> mappingOf(SettingsDef keys) {
        return mapping(keys.keys(), keys.owner(), keys::unknownKey, 0);
    }

    private Map<String, PipelineNode> mapping(Collection<String> allowed, String what,
                                              Function<String, String> unknown, int depth) {
        if (!(node instanceof MappingNode map)) {
            throw error("expected a mapping" + (what == null ? "" : " (" + what + ")") + ", got " + describe());
        }
        if (depth > MAX_MERGE_DEPTH) {
            throw error("merge keys ('<<') nest more than " + MAX_MERGE_DEPTH + " deep, or refer to themselves");
        }
        Map<String, PipelineNode> fields = new LinkedHashMap<>();
        Map<String, Node> keyNodes = new LinkedHashMap<>();
        List<PipelineNode> mergeSources = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            Node keyNode = t.getKeyNode();
            if (!(keyNode instanceof ScalarNode k)) {
                throw at(keyNode, path, "expected a text key, got " + child(keyNode, path).describe());
            }
            if (isMergeKey(k)) {
                mergeSources.addAll(mergeSources(t.getValueNode()));
                continue;
            }
            String key = k.getValue();
            Node first = keyNodes.get(key);
            if (first != null) {
                throw at(keyNode, path, "duplicate key '" + key + "' (first given at line "
                        + (first.getStartMark().map(m -> m.getLine() + 1).orElse(0)) + ")");
            }
            if (allowed != null && !allowed.contains(key)) {
                throw at(keyNode, path, unknown.apply(key));
            }
            keyNodes.put(key, keyNode);
            fields.put(key, child(t.getValueNode(), childPath(key)));
        }
        // YAML merge keys: keys of the merged mappings that this one does not set, earlier sources first.
        for (PipelineNode source : mergeSources) {
            for (Map.Entry<String, PipelineNode> e : source.mapping(allowed, what, unknown, depth + 1).entrySet()) {
                fields.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        return fields;
    }

    private static boolean isMergeKey(ScalarNode key) {
        return key.isPlain() && key.getValue().equals("<<");
    }

    /** The mappings merged by {@code <<: value}, each seen with this node's path. */
    private List<PipelineNode> mergeSources(Node value) {
        List<Node> sources = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
        List<PipelineNode> out = new ArrayList<>();
        for (Node source : sources) {
            if (!(source instanceof MappingNode)) {
                throw at(source, path, "expected a mapping to merge with '<<' (such as <<: *base), got "
                        + child(source, path).describe());
            }
            out.add(child(source, path));
        }
        return out;
    }

    /** A mistake about key {@code key} of this mapping that is absent: located at the mapping. */
    ConfigException missing(String key, String expected) {
        return at(node, childPath(key), "is required: " + expected);
    }

    /** See {@link Suggestions#nearest}. */
    static String nearest(String word, Collection<String> candidates) {
        return Suggestions.nearest(word, candidates);
    }

    /** This node as a list. */
    List<PipelineNode> sequence(String what) {
        if (!(node instanceof SequenceNode seq)) {
            throw error("expected a list" + (what == null ? "" : " (" + what + ")") + ", got " + describe());
        }
        List<PipelineNode> items = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            items.add(child(seq.getValue().get(i), path + "[" + i + "]"));
        }
        return items;
    }

    // ---------------------------------------------------------------- scalars

    /** The scalar's text with placeholders expanded; {@code null} for an empty value or {@code null}. */
    String text() {
        if (!(node instanceof ScalarNode s)) {
            throw error("expected a text value, got " + describe());
        }
        if (isNull()) {
            return null;
        }
        return expand(s.getValue());
    }

    /** Like {@link #text()} but an absent value is a mistake. */
    String requiredText(String expected) {
        String value = text();
        if (value == null || value.isBlank()) {
            throw error("expected " + expected + ", got nothing");
        }
        return value;
    }

    private String expand(String raw) {
        try {
            return Placeholders.expand(raw, env);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** A whole number in {@code [min, Integer.MAX_VALUE]}, or {@code null} when empty. */
    Integer integer(int min) {
        Long value = wholeNumber(min);
        if (value == null) {
            return null;
        }
        if (value > Integer.MAX_VALUE) {
            throw error("expected a whole number up to " + Integer.MAX_VALUE + ", got " + value);
        }
        return value.intValue();
    }

    /** A whole number of at least {@code min}, or {@code null} when empty. */
    Long wholeNumber(long min) {
        String t = text();
        if (t == null) {
            return null;
        }
        long value;
        try {
            value = Long.parseLong(t.trim());
        } catch (NumberFormatException e) {
            throw error("expected a whole number, got '" + t + "'");
        }
        if (value < min) {
            throw error("must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** A duration ({@code 30s}, {@code 5m}, {@code PT5M}), or {@code null} when empty. */
    Duration duration() {
        String t = text();
        if (t == null) {
            return null;
        }
        try {
            return Quantities.duration(t);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** A size in bytes ({@code 64MiB}, {@code 1GB}, {@code 4096}), or {@code null} when empty. */
    Long size() {
        String t = text();
        if (t == null) {
            return null;
        }
        try {
            return Quantities.bytes(t);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** One of the names in {@code choices} (compared as written), or {@code null} when empty. */
    <E> E oneOf(Map<String, E> choices) {
        String t = text();
        if (t == null) {
            return null;
        }
        E value = choices.get(t.trim());
        if (value == null) {
            throw error("expected one of " + String.join(", ", choices.keySet()) + ", got '" + t + "'");
        }
        return value;
    }

    /**
     * A mapping whose values are all scalars, as text in file order. A {@code null} value stays
     * in the map as {@code null} (it removes an inherited default).
     */
    Map<String, String> textMap(String what) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, PipelineNode> e : mapping(what).entrySet()) {
            PipelineNode v = e.getValue();
            if (!(v.node instanceof ScalarNode)) {
                throw v.error("expected a text value, got " + v.describe());
            }
            out.put(e.getKey(), v.text());
        }
        return out;
    }

    /**
     * This node as a plain Java value: mappings as {@code Map<String,Object>}, lists as
     * {@code List<Object>}, plain scalars typed after expansion (whole numbers as Integer, Long
     * or BigInteger, decimals as Double, {@code true}/{@code false} as Boolean, empty as
     * {@code null}); quoted scalars and {@code !!str} stay text.
     */
    Object value() {
        return value(0);
    }

    private Object value(int depth) {
        if (depth > MAX_VALUE_DEPTH) {
            throw error("nested more than " + MAX_VALUE_DEPTH + " levels deep, or refers to itself through an alias");
        }
        if (node instanceof MappingNode) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, PipelineNode> e : mapping((String) null).entrySet()) {
                out.put(e.getKey(), e.getValue().value(depth + 1));
            }
            return Collections.unmodifiableMap(out);
        }
        if (node instanceof SequenceNode) {
            List<Object> out = new ArrayList<>();
            for (PipelineNode item : sequence(null)) {
                out.add(item.value(depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        ScalarNode s = (ScalarNode) node;
        if (!s.isPlain() || (!s.isResolved() && Tag.STR.equals(s.getTag()))) {
            return expand(s.getValue());
        }
        if (isNull()) {
            return null;
        }
        return typed(expand(s.getValue()));
    }

    private static Object typed(String text) {
        String t = text.trim();
        if (isNullText(t)) {
            return null;
        }
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
        }
        if (INTEGER.matcher(t).matches()) {
            BigInteger big = new BigInteger(t.startsWith("+") ? t.substring(1) : t);
            if (big.bitLength() < 32) {
                return big.intValue();
            }
            if (big.bitLength() < 64) {
                return big.longValue();
            }
            return big;
        }
        if (DECIMAL.matcher(t).matches()) {
            return new BigDecimal(t.startsWith("+") ? t.substring(1) : t).doubleValue();
        }
        switch (t) {
            case ".inf", "+.inf", ".Inf", "+.Inf", ".INF", "+.INF":
                return Double.POSITIVE_INFINITY;
            case "-.inf", "-.Inf", "-.INF":
                return Double.NEGATIVE_INFINITY;
            case ".nan", ".NaN", ".NAN":
                return Double.NaN;
            default:
                return text;
        }
    }
}
